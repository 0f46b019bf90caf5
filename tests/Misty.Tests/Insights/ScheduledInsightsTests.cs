using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Insights;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Insights;

[Collection(PostgresCollection.Name)]
public sealed class ScheduledInsightsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_pricing_insight_scheduled_for_today_is_applied_by_the_nightly_workflow_and_a_later_one_waits()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var manager = await node.CreateClientAsync("manager");
        var (today, later) = (await TestAlbums.InsertAsync(connectionString, quantity: 3), await TestAlbums.InsertAsync(connectionString, quantity: 3));
        await TestSql.ExecuteAsync(connectionString, "UPDATE albums SET is_rare = true, estimated_value = 80, price = 40");
        Assert.Equal(2, (await node.Services.GetRequiredService<InsightsEngine>().RunAsync(default)).Pricing);
        var insights = (await Json(await manager.GetAsync("/api/insights?type=pricing"))).GetProperty("items").EnumerateArray()
            .ToDictionary(item => item.GetProperty("entityId").GetGuid(), item => item.GetProperty("recommendationId").GetGuid());
        var day = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var (album, date) in new[] { (today, day), (later, day.AddDays(3)) })
        {
            var scheduled = await manager.PostAsJsonAsync($"/api/insights/{insights[album]}/schedule", new { date = Text(date) });
            Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        }

        // Scheduling alone changes nothing.
        Assert.Equal(40m, await Price(connectionString, today));

        var started = await manager.PostAsJsonAsync($"/api/workflows/{BuiltInWorkflows.InsightsRefresh}/run", new { });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () => await Price(connectionString, today) == 79.99m, 30));

        var applied = await Json(await manager.GetAsync($"/api/insights/{insights[today]}"));
        Assert.Equal(("accepted", Text(day)), (applied.GetProperty("status").GetString(), applied.GetProperty("scheduledFor").GetString()));
        var waiting = await Json(await manager.GetAsync($"/api/insights/{insights[later]}"));
        Assert.Equal("scheduled", waiting.GetProperty("status").GetString());
        Assert.Equal(40m, await Price(connectionString, later));
        var priceAudit = Assert.Single(await TestSql.AuditRowsAsync(connectionString, "albums.price_changed"));
        Assert.Equal(("system", "40.00", "79.99"), (priceAudit.Detail("actor"), priceAudit.Detail("before"), priceAudit.Detail("after")));
        var scheduler = (await TestSql.AuditRowsAsync(connectionString, "insights.scheduled"))[0].Detail("actor");
        Assert.Equal(scheduler, Assert.Single(await TestSql.AuditRowsAsync(connectionString, "insights.accepted")).Detail("scheduledBy"));

        // Applied once: the next night finds only the later one, whose day has not come.
        var again = await node.Services.GetRequiredService<InsightDecisions>().ApplyDueAsync(day, default);
        Assert.Equal((0, 0), (again.Due, again.Applied));
        Assert.Equal(79.99m, await Price(connectionString, today));

        // On its day the later one is applied too.
        var onItsDay = await node.Services.GetRequiredService<InsightDecisions>().ApplyDueAsync(day.AddDays(3), default);
        Assert.Equal((1, 1), (onItsDay.Due, onItsDay.Applied));
        Assert.Equal(79.99m, await Price(connectionString, later));
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Task<decimal> Price(string connectionString, Guid album) =>
        TestSql.ScalarAsync<decimal>(connectionString, "SELECT price FROM albums WHERE album_id = @id", ("id", album));

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
