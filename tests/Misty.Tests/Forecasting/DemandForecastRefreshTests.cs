using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Forecasting;

[Collection(PostgresCollection.Name)]
public sealed class DemandForecastRefreshTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_refresh_forecasts_every_album_registers_its_accuracy_and_the_api_explains_it()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        var seller = await TestAlbums.InsertAsync(connectionString, quantity: 500);
        var newcomer = await TestAlbums.InsertAsync(connectionString, quantity: 5);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // Four a week for 30 weeks, one of them returned each week; a cancelled order's sale is not demand.
        await TestSql.ExecuteAsync(connectionString, """
            INSERT INTO inventory_transactions (inventory_id, transaction_type, quantity_change, created_at)
            SELECT i.inventory_id, kind, change, @today::date - (7 * week + 3) + time '12:00'
            FROM inventory i, generate_series(0, 29) AS week, (VALUES ('sale'::inventory_transaction_type, -5), ('return', 1)) AS t(kind, change)
            WHERE i.album_id = @album
            """, ("today", today), ("album", seller));
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);

        var started = await staff.PostAsJsonAsync($"/api/workflows/{BuiltInWorkflows.DemandForecastRefresh}/run", new { date = today.ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("executionId").GetGuid();
        Assert.True(await TestAlbums.EventuallyAsync(async () =>
            (await staff.GetFromJsonAsync<JsonElement>($"/api/executions/{runId}")).GetProperty("status").GetString() == "complete", seconds: 60));

        Assert.Equal(24L, await TestSql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM demand_forecasts WHERE forecast_date >= @today", ("today", today)));
        Assert.Equal(100m, await TestSql.ScalarAsync<decimal>(connectionString, "SELECT accuracy_score FROM ai_model_config WHERE model_name = 'Misty demand forecaster' AND model_provider = 'custom'"));

        var forecast = await staff.GetFromJsonAsync<JsonElement>($"/api/albums/{seller}/forecast");
        var weeks = forecast.GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal(12, weeks.Count);
        Assert.Equal(today, DateOnly.Parse(weeks[0].GetProperty("weekStart").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(weeks, w => Assert.Equal(4, w.GetProperty("predictedDemand").GetInt32()));
        Assert.Equal("weighted-median-13w", forecast.GetProperty("explanation").GetProperty("model").GetString());
        var borrowed = await staff.GetFromJsonAsync<JsonElement>($"/api/albums/{newcomer}/forecast");
        Assert.Equal("peer-median", borrowed.GetProperty("explanation").GetProperty("model").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/albums/{Guid.NewGuid()}/forecast")).StatusCode);
    }
}
