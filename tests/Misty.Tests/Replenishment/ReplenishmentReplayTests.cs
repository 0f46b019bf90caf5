using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Replenishment;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Misty.Tests.Workflows;

namespace Misty.Tests.Replenishment;

[Collection(PostgresCollection.Name)]
public sealed class ReplenishmentReplayTests(PostgresFixture postgres)
{
    private const string OpenUnits = """
        SELECT coalesce(sum(recommended_quantity - received_quantity), 0)::int FROM reorder_queue
        WHERE album_id = @album AND status IN ('pending', 'approved', 'ordered')
        """;

    [Fact]
    public async Task A_week_planned_twice_a_day_and_twice_at_once_orders_each_unit_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 12, reorderPoint: 2);
        await ForecastAsync(connectionString, album, weekly: 7, upper: 10);
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString, builtIns: false);
        var services = cluster.Silos[0].SiloHost.Services;
        var store = services.GetRequiredService<ReplenishmentStore>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // As the nightly run plans: with the stock price every album's forecast and cost set.
        var policy = await services.GetRequiredService<ReplenishmentSweep>().PricedAsync(today, ReplenishmentPolicy.Default, CancellationToken.None);
        Assert.NotNull(policy.StockPrice);

        var onHand = 12;
        int? orderUpTo = null;
        for (var day = 0; day < 7; day++, onHand--)
        {
            var candidate = new PlanCandidate(album, "TEST", onHand, 0, 2, 10);
            // The nightly run and a low-stock trigger at the same moment, then a rerun of the day.
            var concurrent = await Task.WhenAll(store.PlanAsync(candidate, today, policy, CancellationToken.None),
                store.PlanAsync(candidate, today, policy, CancellationToken.None));
            var rerun = await store.PlanAsync(candidate, today, policy, CancellationToken.None);

            Assert.Null(rerun.Reorder);
            Assert.True(concurrent.Count(outcome => outcome.Reorder is not null) <= 1, $"day {day}: both concurrent runs queued");
            var open = await TestSql.ScalarAsync<int>(connectionString, OpenUnits, ("album", album));
            orderUpTo ??= onHand + open;
            // Stock plus what is on order stays at the order-up-to level: each unit sold is reordered exactly once.
            Assert.Equal(orderUpTo, onHand + open);
        }

        Assert.True(orderUpTo > 12, "the plan ordered something");
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM reorder_queue WHERE album_id = @album", ("album", album)));
        var insight = await TestSql.ScalarAsync<string>(connectionString,
            "SELECT insight FROM ai_recommendations WHERE recommendation_type = 'reorder' AND entity_id = @album", ("album", album));
        Assert.StartsWith("Sold 0 in 8 weeks, 8 forecast over the 8-day lead time", insight, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dismissed_proposal_is_not_raised_again_by_the_next_run()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 1, reorderPoint: 2);
        await ForecastAsync(connectionString, album, weekly: 7, upper: 10);
        await using var cluster = await WorkflowCluster.StartAsync(database, connectionString, builtIns: false);
        var services = cluster.Silos[0].SiloHost.Services;
        var store = services.GetRequiredService<ReplenishmentStore>();
        var lines = new ReorderLines(database, services.GetRequiredService<ReorderNotices>());
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var candidate = new PlanCandidate(album, "TEST", 1, 0, 2, 10);

        var first = await store.PlanAsync(candidate, today, ReplenishmentPolicy.Default, CancellationToken.None);
        var dismissed = await lines.DismissAsync(first.Reorder!.ReorderId, CancellationToken.None);
        var next = await store.PlanAsync(candidate, today, ReplenishmentPolicy.Default, CancellationToken.None);

        Assert.Equal((TransitionResult.Changed, "dismissed"), (dismissed.Result, dismissed.Line!.Status));
        Assert.Null(next.Reorder);
        Assert.Contains("dismissed", next.Note, StringComparison.Ordinal);
        Assert.Equal("dismissed", await TestSql.ScalarAsync<string>(connectionString,
            "SELECT status::text FROM ai_recommendations WHERE entity_id = @album", ("album", album)));
    }

    /// <summary>A supplier delivering in 7 days at 95 % reliability, and a flat forecast for 12 weeks from today.</summary>
    [Fact]
    public async Task The_stock_price_is_worked_out_once_a_day_for_triggers_and_again_by_each_nightly_run()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 12);
        await ForecastAsync(connectionString, album, weekly: 7, upper: 10);
        var sweep = new ReplenishmentSweep(database);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var first = await sweep.PricedAsync(today, ReplenishmentPolicy.Default, CancellationToken.None);
        Assert.NotNull(first.StockPrice);

        // Without forecasts there is no price to find: a price seen after this was remembered, not worked out again.
        await TestSql.ExecuteAsync(connectionString, "DELETE FROM demand_forecasts");
        var sameDay = await sweep.PricedAsync(today, ReplenishmentPolicy.Default, CancellationToken.None);
        var (_, _, nightly) = await sweep.AlbumsToPlanAsync(today, ReplenishmentPolicy.Default, CancellationToken.None);
        var afterNightly = await sweep.PricedAsync(today, ReplenishmentPolicy.Default, CancellationToken.None);
        await TestSql.ExecuteAsync(connectionString,
            "INSERT INTO demand_forecasts (album_id, forecast_date, predicted_demand, lower_bound, upper_bound, confidence_level, model_version) " +
            "SELECT @album, current_date + 7 * w, 7, 0, 10, 0.8, 'test' FROM generate_series(0, 11) w", ("album", album));
        var nextDay = await sweep.PricedAsync(today.AddDays(1), ReplenishmentPolicy.Default, CancellationToken.None);

        Assert.Equal(first.StockPrice, sameDay.StockPrice);
        Assert.Null(nightly.StockPrice);
        Assert.Null(afterNightly.StockPrice);
        Assert.NotNull(nextDay.StockPrice);
    }

    private static Task ForecastAsync(string connectionString, Guid album, int weekly, int upper) => TestSql.ExecuteAsync(connectionString,
        """
        WITH supplier AS (
            INSERT INTO suppliers (name, avg_delivery_days, reliability_score) VALUES ('Steady Pressings', 7, 95) RETURNING supplier_id)
        INSERT INTO supplier_pricing (supplier_id, album_id, unit_price, effective_from) SELECT supplier_id, @album, 10, current_date - 30 FROM supplier;
        INSERT INTO demand_forecasts (album_id, forecast_date, predicted_demand, lower_bound, upper_bound, confidence_level, model_version)
        SELECT @album, current_date + 7 * w, @weekly, 0, @upper, 0.8, 'test' FROM generate_series(0, 11) w;
        """, ("album", album), ("weekly", weekly), ("upper", upper));
}
