using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Persistence;
using Misty.Seeding;
using Misty.Tests.Infrastructure;
using Misty.Web.Reports;

namespace Misty.Tests.Reports;

/// <summary>
/// The sales report reads whole days from the roll-up and the rest from the orders: on a seeded store (whose seed rolls
/// up its history), the answers equal those read from the orders alone, and those read with the roll-up only part of the
/// way.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReportsFromMetricsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Sales_reports_from_the_rollup_equal_the_reports_from_the_order_rows()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var now = DateTime.UtcNow;
        var today = DateOnly.FromDateTime(now);
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        await new DemoDataSeeder(database).SeedAsync(new SeedOptions { Albums = 150, Customers = 300, Days = 120 }.EndingAt(now));

        // Every whole day of the history is rolled up; today, still going on, is not.
        Assert.Equal(119L, await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM sales_metrics WHERE channel = 'all' AND genre_id IS NULL AND order_count IS NOT NULL"));
        Assert.Equal(today.AddDays(-1), await TestSql.ScalarAsync<DateOnly>(connectionString, "SELECT max(metric_date) FROM sales_metrics"));
        Assert.True(await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM sales_metrics_customers") > 0);
        Assert.True(await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM sales_metrics_albums") > 0);
        Assert.True(await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM inventory_metrics") > 0);

        var genre = await TestSql.ScalarAsync<string>(connectionString,
            "SELECT g.name FROM albums a JOIN genres g ON g.genre_id = a.genre_id GROUP BY g.name ORDER BY count(*) DESC, g.name LIMIT 1");
        string Day(int daysBack) => today.AddDays(-daysBack).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var queries = new[]
        {
            $"sales?from={Day(29)}&to={Day(0)}&groupBy=day",
            $"sales?from={Day(89)}&to={Day(0)}&groupBy=week",
            $"sales?from={Day(100)}&to={Day(0)}&groupBy=month&channel=online",
            $"sales?from={Day(59)}&to={Day(0)}&groupBy=week&genre={Uri.EscapeDataString(genre)}",
            $"sales?from={Day(59)}&to={Day(3)}&groupBy=day&channel=in-store&genre={Uri.EscapeDataString(genre.ToUpperInvariant())}",
            $"inventory?from={Day(89)}&to={Day(0)}",
            $"inventory?from={Day(29)}&to={Day(0)}&genre={Uri.EscapeDataString(genre)}",
        };

        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var manager = await node.CreateClientAsync("manager");
        async Task<List<string>> AnswersAsync()
        {
            var answers = new List<string>();
            foreach (var query in queries)
            {
                answers.Add(await manager.GetStringAsync($"/api/reports/{query}"));
            }

            return answers;
        }

        var fromRollup = await AnswersAsync();
        var first = JsonDocument.Parse(fromRollup[0]).RootElement;
        Assert.True(first.GetProperty("totals").GetProperty("orders").GetInt32() > 0);
        Assert.True(first.GetProperty("previous").GetProperty("orders").GetInt32() > 0);
        Assert.True(first.GetProperty("totals").GetProperty("returningCustomers").GetInt32() > 0);
        Assert.True(JsonDocument.Parse(fromRollup[5]).RootElement.GetProperty("totals").GetProperty("turnover").GetDecimal() > 0);

        // The roll-up's rows are what is read: a changed figure shows.
        await TestSql.ExecuteAsync(connectionString,
            "UPDATE sales_metrics SET revenue = revenue + 1000 WHERE metric_date = @day AND channel = 'all' AND genre_id IS NULL", ("day", today.AddDays(-5)));
        var changed = await manager.GetFromJsonAsync<JsonElement>($"/api/reports/{queries[0]}");
        Assert.Equal(first.GetProperty("totals").GetProperty("revenue").GetDecimal() + 1000, changed.GetProperty("totals").GetProperty("revenue").GetDecimal());

        await TestSql.ExecuteAsync(connectionString, "DELETE FROM sales_metrics; DELETE FROM sales_metrics_customers");
        Assert.Equal(fromRollup, await AnswersAsync());

        // Part of the way: a run of days in the middle, and today (the workflow can be asked for it; the report still
        // reads today from the orders).
        var rollup = new MetricsRollup(database);
        await rollup.RollUpSalesAsync(today.AddDays(-70), today.AddDays(-20), CancellationToken.None);
        await rollup.RollUpSalesAsync(today.AddDays(-4), CancellationToken.None);
        await rollup.RollUpSalesAsync(today, CancellationToken.None);
        Assert.Equal(fromRollup, await AnswersAsync());
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Days_before_today_that_are_rolled_up_are_read_as_runs_from_the_rollup_and_the_rest_as_runs_of_order_rows()
    {
        var today = new DateOnly(2026, 12, 4);
        var rolledUp = new HashSet<DateOnly> { new(2026, 11, 28), new(2026, 11, 29), new(2026, 12, 1), new(2026, 12, 2), new(2026, 12, 3), new(2026, 12, 4) };

        var days = ReportDays.Split(new DateOnly(2026, 11, 27), new DateOnly(2026, 12, 5), today, rolledUp);

        Assert.Equal([(new DateOnly(2026, 11, 27), new DateOnly(2026, 11, 27)), (new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 30)),
            (new DateOnly(2026, 12, 4), new DateOnly(2026, 12, 5))], days.FromOrders);
        Assert.Equal([(new DateOnly(2026, 11, 28), new DateOnly(2026, 11, 29)), (new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 3))], days.FromRollUp);
    }
}
