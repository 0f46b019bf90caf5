using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Insights;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Insights;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Insights;

[Collection(PostgresCollection.Name)]
public sealed class InsightsApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_pricing_insight_accepted_by_a_manager_sets_the_price_once_audited_and_live()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var manager = await node.CreateClientAsync("manager");
        var clerk = await node.CreateClientAsync("staff");
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 3);
        await TestSql.ExecuteAsync(connectionString, "UPDATE albums SET is_rare = true, estimated_value = 80, price = 40 WHERE album_id = @id", ("id", album));
        var events = new ConcurrentQueue<InsightChanged>();
        await node.FollowAllAsync<InsightChanged>(MistyStreams.Insights, events.Enqueue);

        var run = await node.Services.GetRequiredService<InsightsEngine>().RunAsync(default);

        Assert.Equal((1, 1), (run.Pricing, run.Raised));
        var page = await Json(await clerk.GetAsync("/api/insights?type=pricing&status=pending"));
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        var insight = page.GetProperty("items")[0];
        var id = insight.GetProperty("recommendationId").GetGuid();
        Assert.Equal(album, insight.GetProperty("entityId").GetGuid());
        Assert.Equal(79.99m, insight.GetProperty("metadata").GetProperty("suggestedPrice").GetDecimal());
        Assert.Equal("Test Pressing by The Testers", insight.GetProperty("subject").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostAsync($"/api/insights/{id}/accept", null)).StatusCode);
        var accepted = await manager.PostAsync($"/api/insights/{id}/accept", null);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("accepted", (await Json(accepted)).GetProperty("status").GetString());
        var again = await manager.PostAsync($"/api/insights/{id}/accept", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/insights/{id}/dismiss", null)).StatusCode);

        Assert.Equal(79.99m, (await Json(await clerk.GetAsync($"/api/albums/{album}"))).GetProperty("price").GetDecimal());
        var priceAudit = Assert.Single(await TestSql.AuditRowsAsync(connectionString, "albums.price_changed"));
        Assert.Equal(("40.00", "79.99"), (priceAudit.Detail("before"), priceAudit.Detail("after")));
        Assert.Single(await TestSql.AuditRowsAsync(connectionString, "insights.accepted"));
        Assert.True(await TestAlbums.EventuallyAsync(() => Task.FromResult(events.Any(e => e.RecommendationId == id && e.Status == "accepted"))));
        Assert.Contains(events, e => e.RecommendationId == id && e.Status == "pending" && e.Version == 1);
    }

    [Fact]
    public async Task A_dismissed_insight_is_not_raised_again_and_scheduling_takes_a_date()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var manager = await node.CreateClientAsync("manager");
        var (dusty, dustier) = (await TestAlbums.InsertAsync(connectionString, quantity: 5), await TestAlbums.InsertAsync(connectionString, quantity: 6));
        await TestSql.ExecuteAsync(connectionString, "UPDATE albums SET created_at = now() - interval '200 days'");
        var engine = node.Services.GetRequiredService<InsightsEngine>();

        Assert.Equal(2, (await engine.RunAsync(default)).Promotion);
        var insights = (await Json(await manager.GetAsync("/api/insights?type=promotion"))).GetProperty("items").EnumerateArray()
            .ToDictionary(item => item.GetProperty("entityId").GetGuid(), item => item.GetProperty("recommendationId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/insights/{insights[dusty]}/dismiss", null)).StatusCode);

        var bad = await manager.PostAsJsonAsync($"/api/insights/{insights[dustier]}/schedule", new { date = "2020-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await Json(bad)).GetProperty("errors").TryGetProperty("date", out _));
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var scheduled = await Json(await manager.PostAsJsonAsync($"/api/insights/{insights[dustier]}/schedule", new { date = day }));
        Assert.Equal(("scheduled", day), (scheduled.GetProperty("status").GetString(), scheduled.GetProperty("scheduledFor").GetString()));

        var rerun = await engine.RunAsync(default);

        Assert.Equal((2, 0, 0), (rerun.Promotion, rerun.Raised, rerun.Refreshed));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM ai_recommendations WHERE entity_id = @id", ("id", dusty)));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM ai_recommendations WHERE status = 'pending'"));
        Assert.Equal("misty-insights", await TestSql.ScalarAsync<string>(connectionString,
            "SELECT model_name FROM ai_model_config WHERE model_kind = 'engine' AND model_name = 'misty-insights'"));

        // The engine's entry stands beside the one active chat model: neither displaces the other.
        using var admin = await node.CreateStaffClientAsync();
        var chat = await admin.PutAsJsonAsync("/api/ai/models", new { provider = "custom", modelName = "llama3.1", endpoint = "http://127.0.0.1:11434/v1" });
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        await engine.RunAsync(default);
        Assert.Equal("llama3.1", await TestSql.ScalarAsync<string>(connectionString, "SELECT string_agg(model_name, ',') FROM ai_model_config WHERE active AND model_kind = 'chat'"));
        Assert.Equal("llama3.1", (await admin.GetFromJsonAsync<JsonElement>("/api/ai/models")).EnumerateArray().Single().GetProperty("modelName").GetString());
    }

    [Fact]
    public async Task The_nightly_workflow_raises_insights_and_bad_input_gets_problem_details()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var manager = await node.CreateClientAsync("manager");
        await TestAlbums.InsertAsync(connectionString, quantity: 4);
        await TestSql.ExecuteAsync(connectionString, "UPDATE albums SET created_at = now() - interval '150 days'");

        var started = await manager.PostAsJsonAsync($"/api/workflows/{BuiltInWorkflows.InsightsRefresh}/run", new { });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM ai_recommendations WHERE recommendation_type = 'promotion'") == 1, 30));

        var bad = await manager.GetAsync("/api/insights?type=discount&status=open&pageSize=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["pageSize", "status", "type"], (await Json(bad)).GetProperty("errors").EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync($"/api/insights/{Guid.NewGuid()}/accept", null)).StatusCode);
        var noDate = await manager.PostAsJsonAsync($"/api/insights/{Guid.NewGuid()}/schedule", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noDate.StatusCode);
        Assert.True((await Json(noDate)).GetProperty("errors").TryGetProperty("date", out _));
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
