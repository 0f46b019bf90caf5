using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Recommendations;
using Misty.Persistence;
using Misty.Seeding;
using Misty.Tests.Infrastructure;
using Misty.Web.Security;

namespace Misty.Tests.Recommendations;

[Collection(PostgresCollection.Name)]
public sealed class CustomerRecommendationsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Lists_hold_no_bought_or_unstocked_album_at_most_two_per_artist_and_are_for_staff_or_the_customer_only()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using (var database = MistyDatabase.CreateDataSource(connectionString))
        {
            await new DemoDataSeeder(database).SeedAsync(new SeedOptions { Albums = 120, Customers = 150, Days = 120 });
        }

        await using var node = await MistyWebNode.StartAsync(connectionString);
        var summary = await node.Services.GetRequiredService<CustomerRecommendationRefresher>().RefreshAllAsync(CancellationToken.None);
        Assert.Equal(150, summary.Customers);

        var customer = await TestSql.ScalarAsync<Guid>(connectionString,
            "SELECT o.customer_id FROM orders o JOIN order_items oi USING (order_id) GROUP BY o.customer_id ORDER BY count(*) DESC LIMIT 1");
        using var staff = await node.CreateClientAsync(StaffRoles.Staff);
        var list = await staff.GetFromJsonAsync<JsonElement>($"/api/customers/{customer}/recommendations?k=10");
        var items = list.EnumerateArray().ToList();

        Assert.Equal(10, items.Count);
        var albums = items.Select(i => i.GetProperty("albumId").GetGuid()).ToArray();
        var bought = await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM order_items oi JOIN orders o USING (order_id) WHERE o.customer_id = @c AND oi.album_id = ANY(@a)", ("c", customer), ("a", albums));
        Assert.Equal(0, bought);
        var unstocked = await TestSql.ScalarAsync<long>(connectionString,
            "SELECT count(*) FROM inventory WHERE album_id = ANY(@a) AND quantity <= reserved_quantity", ("a", albums));
        Assert.Equal(0, unstocked);
        Assert.All(items.GroupBy(i => i.GetProperty("artist").GetString()), artist => Assert.True(artist.Count() <= 2));
        Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.GetProperty("reason").GetString())));
        Assert.Contains(items, i => i.GetProperty("reason").GetString()!.StartsWith("Because you bought ", StringComparison.Ordinal));
        var scores = items.Select(i => i.GetProperty("recommendationScore").GetDecimal()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);

        // A storefront key is not the customer; bad k is a problem naming the field.
        using var storefront = node.CreateStorefrontClient();
        Assert.Equal(HttpStatusCode.NotFound, (await storefront.GetAsync($"/api/customers/{customer}/recommendations")).StatusCode);
        var bad = await staff.GetAsync($"/api/customers/{customer}/recommendations?k=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"k\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var recId = items[0].GetProperty("recId").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/customers/{customer}/recommendations/{recId}/click", null)).StatusCode);
        Assert.True(await TestSql.ScalarAsync<bool>(connectionString, "SELECT clicked FROM customer_recommendations WHERE rec_id = @r", ("r", recId)));
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync($"/api/customers/{Guid.NewGuid()}/recommendations/{recId}/click", null)).StatusCode);

        // An id of nobody is a 404; a customer without a list has an empty one.
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/customers/{Guid.NewGuid()}/recommendations")).StatusCode);
        await TestSql.ExecuteAsync(connectionString, "DELETE FROM customer_recommendations WHERE customer_id = @c", ("c", customer));
        Assert.Empty((await staff.GetFromJsonAsync<JsonElement>($"/api/customers/{customer}/recommendations")).EnumerateArray());
        Assert.True(summary.Stages.Write > TimeSpan.Zero && summary.Stages.Evaluation > TimeSpan.Zero);

        var accuracy = await TestSql.ScalarAsync<decimal>(connectionString,
            "SELECT accuracy_score FROM ai_model_config WHERE model_name = @n", ("n", CustomerRecommendationRefresher.ModelName));
        Assert.InRange(accuracy, 0m, 100m);
        Assert.Equal(Math.Round((decimal)summary.HitRate * 100m, 2), accuracy);
    }
}
