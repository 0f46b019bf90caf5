using Misty.Grains.Recommendations;

namespace Misty.Tests.Recommendations;

[Trait("Category", "Unit")]
[Trait("Category", "Unit")]
public class RecommenderTests
{
    private static readonly DateTimeOffset Cutoff = new(2011, 11, 9, 0, 0, 0, TimeSpan.Zero);

    private static PurchaseLine Line(string customer, string item, int daysBeforeCutoff, double quantity = 1) =>
        new(customer, item, Cutoff.AddDays(-daysBeforeCutoff), quantity);

    [Fact]
    public void Csv_reads_quoted_fields_and_counts_the_lines_it_cannot_use()
    {
        var csv = "quantity,timestamp,item_id,customer_id\n"
            + "2,2011-01-02T10:00:00Z,\"85123A\",\"C, 1\"\n"
            + "1,2011-01-02 10:00:00,\"RECORD \"\"7\"\"\",c2\n"
            + "x,2011-01-02T10:00:00Z,A,c3\n"
            + "1,not a date,A,c3\n"
            + "1,2011-01-02T10:00:00Z,A,\n"
            + "1,2011-01-02T10:00:00Z\n";

        var result = PurchaseCsv.Read(new StringReader(csv));

        Assert.Equal(4, result.Skipped);
        Assert.Equal(2, result.Lines.Count);
        Assert.Equal(new PurchaseLine("C, 1", "85123A", new DateTimeOffset(2011, 1, 2, 10, 0, 0, TimeSpan.Zero), 2), result.Lines[0]);
        Assert.Equal("RECORD \"7\"", result.Lines[1].ItemId);
    }

    [Fact]
    public void Csv_without_the_expected_header_is_refused() =>
        Assert.Throws<FormatException>(() => PurchaseCsv.Read(new StringReader("customer,item\n1,2\n")));

    [Fact]
    public void A_purchase_counts_only_when_its_net_quantity_before_the_cutoff_is_positive()
    {
        var history = PurchaseHistory.Build(
            [
                Line("c1", "kept", 10, 3), Line("c1", "kept", 5, -1),
                Line("c1", "cancelled", 10, 2), Line("c1", "cancelled", 9, -2),
                Line("c1", "later", -1, 5),
                Line("c2", "kept", -3, 1),
            ],
            Cutoff);

        Assert.True(history.TryGetCustomer("c1", out var c1));
        Assert.Equal(["kept"], history.CustomerItems[c1].Select(i => history.ItemIds[i]));
        Assert.Equal(10f, history.CustomerItemAgeDays[c1][0], 3);
        Assert.False(history.TryGetItem("later", out _));
        Assert.True(history.TryGetCustomer("c2", out var c2));
        Assert.Empty(history.CustomerItems[c2]);
    }

    [Fact]
    public void Items_bought_together_are_suggested_and_items_already_bought_never_are()
    {
        List<PurchaseLine> lines = [];
        for (var i = 0; i < 6; i++)
        {
            lines.Add(Line($"fan{i}", "kind-of-blue", 20));
            lines.Add(Line($"fan{i}", "a-love-supreme", 20));
        }

        for (var i = 0; i < 10; i++)
        {
            lines.Add(Line($"pop{i}", "chart-hit", 3));
            lines.Add(Line($"pop{i}", "other-hit", 3));
        }

        lines.Add(Line("newcomer", "kind-of-blue", 2));
        var history = PurchaseHistory.Build(lines, Cutoff);
        var recommender = new Recommender(history, RecommenderOptions.Default);
        history.TryGetCustomer("newcomer", out var newcomer);
        var scores = new float[history.ItemCount];

        recommender.Score(newcomer, scores);
        var top = TopItems.Select(scores, 3, history.CustomerItems[newcomer], recommender.Popularity);

        Assert.Equal("a-love-supreme", history.ItemIds[top[0].Item]);
        Assert.DoesNotContain(top, t => history.ItemIds[t.Item] == "kind-of-blue");
        Assert.Equal(3, top.Count);
    }

    [Fact]
    public void Recent_sales_outrank_old_ones_in_the_popularity_term()
    {
        List<PurchaseLine> lines = [];
        for (var i = 0; i < 5; i++)
        {
            lines.Add(Line($"old{i}", "last-year", 300));
        }

        for (var i = 0; i < 3; i++)
        {
            lines.Add(Line($"new{i}", "this-week", 2));
        }

        var history = PurchaseHistory.Build(lines, Cutoff);
        var recent = new PopularityScorer(history, "trending", halfLifeDays: 14);
        var allTime = new PopularityScorer(history, "all-time");
        history.TryGetItem("this-week", out var thisWeek);
        history.TryGetItem("last-year", out var lastYear);

        Assert.True(recent.Scores[thisWeek] > recent.Scores[lastYear]);
        Assert.True(allTime.Scores[lastYear] > allTime.Scores[thisWeek]);
    }

    [Fact]
    public void Csv_run_gives_every_customer_k_ranked_items_including_those_with_no_history_before_the_cutoff()
    {
        var csv = "customer_id,item_id,timestamp,quantity\n"
            + "a,x,2011-10-01T00:00:00Z,1\na,y,2011-10-01T00:00:00Z,1\n"
            + "b,x,2011-10-02T00:00:00Z,1\nb,z,2011-10-02T00:00:00Z,1\nb,w,2011-10-02T00:00:00Z,1\n"
            + "c,x,2011-10-03T00:00:00Z,1\n"
            + "late,v,2011-11-10T00:00:00Z,1\n"
            + "broken line\n";
        var output = new StringWriter();

        var summary = RecommendationCsvRun.Run(new StringReader(csv), output, Cutoff, 2);

        Assert.Equal(1, summary.LinesSkipped);
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(RecommendationCsvRun.OutputHeader, rows[0]);
        var byCustomer = rows.Skip(1).Select(r => r.Split(',')).GroupBy(r => r[0]).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["a", "b", "c", "late"], byCustomer.Keys.Order());
        Assert.All(["a", "c", "late"], customer => Assert.Equal(["1", "2"], byCustomer[customer].Select(r => r[1])));
        // b bought three of the four items sold before the cutoff: one is left to suggest.
        Assert.Equal(["y"], byCustomer["b"].Select(r => r[2]));
        Assert.DoesNotContain(byCustomer["a"], r => r[2] is "x" or "y");
        Assert.DoesNotContain(byCustomer["late"], r => r[2] == "v");
    }

    [Fact]
    public void Evaluation_counts_hits_only_on_items_new_to_the_customer()
    {
        var history = PurchaseHistory.Build([Line("a", "x", 5), Line("b", "x", 5), Line("b", "y", 5), Line("c", "y", 4)], Cutoff);
        PurchaseLine[] after = [Line("a", "y", -3), Line("a", "x", -3), Line("a", "q", -40), Line("c", "x", -1, -1)];

        var truth = RecommendationEvaluation.NewPurchases(history, after, TimeSpan.FromDays(30));
        history.TryGetCustomer("a", out var a);
        var result = RecommendationEvaluation.Evaluate(history, new PopularityScorer(history, "pop"), truth, 1, default);

        Assert.Equal(["y"], truth[a]);
        Assert.Single(truth);
        Assert.Equal(1.0, result.HitRate);
        Assert.Equal(1.0, result.Recall);
    }
}
