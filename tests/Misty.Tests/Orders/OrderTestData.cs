using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Orders;

/// <summary>Nodes, customers, albums and orders for the order tests, created through the API where the API can.</summary>
internal static class OrderTestData
{
    /// <summary>A node whose simulated gateway answers at once and never declines at random, so outcomes are the test's own.</summary>
    public static Task<MistyWebNode> StartNodeAsync(string connectionString) =>
        MistyWebNode.StartAsync(connectionString, configure: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Misty:Payments:Latency"] = "00:00:00",
            ["Misty:Payments:DeclineRate"] = "0",
        }));

    /// <summary>An album at <paramref name="price"/> in its own genre, with <paramref name="quantity"/> in stock.</summary>
    public static async Task<Guid> AlbumAsync(string connectionString, int quantity, decimal price, bool rare = false, string? genre = null)
    {
        var album = await TestAlbums.InsertAsync(connectionString, quantity);
        await TestSql.ExecuteAsync(connectionString, "UPDATE albums SET price = @price, is_rare = @rare, estimated_value = @price WHERE album_id = @album",
            ("price", price), ("rare", rare), ("album", album));
        if (genre is not null)
        {
            await TestSql.ExecuteAsync(connectionString,
                "WITH g AS (INSERT INTO genres (name) VALUES (@genre) RETURNING genre_id) UPDATE albums SET genre_id = (SELECT genre_id FROM g) WHERE album_id = @album",
                ("genre", genre), ("album", album));
        }

        return album;
    }

    public static async Task<Guid> CustomerAsync(HttpClient client, string? address = "12 Elm Street, Springfield")
    {
        var response = await client.PostAsJsonAsync("/api/customers",
            new { email = $"buyer-{Guid.NewGuid():N}@test.misty", firstName = "Vera", lastName = "Vinyl", address });
        return (await BodyAsync(response, HttpStatusCode.Created)).GetProperty("customerId").GetGuid();
    }

    /// <summary>A held storefront reservation of one line; committed when <paramref name="commit"/>.</summary>
    public static async Task<Guid> ReservationAsync(HttpClient storefront, Guid album, int quantity, bool commit)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
        {
            Content = JsonContent.Create(new { lines = new[] { new { albumId = album, quantity } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var reservation = (await BodyAsync(await storefront.SendAsync(request), HttpStatusCode.Created)).GetProperty("reservationId").GetGuid();
        if (commit)
        {
            await BodyAsync(await storefront.PostAsync($"/api/reservations/{reservation}/commit", null), HttpStatusCode.OK);
        }

        return reservation;
    }

    /// <summary>A staff order of <paramref name="quantity"/> units of one album, paid by card.</summary>
    public static Task<HttpResponseMessage> StaffOrderAsync(HttpClient staff, Guid customer, Guid album, int quantity, string channel = "phone") =>
        staff.PostAsJsonAsync("/api/orders", new
        {
            lines = new[] { new { albumId = album, quantity } },
            customerId = customer,
            channel,
            payment = new { method = "card" },
        });

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A 400 problem that names <paramref name="field"/>.</summary>
    public static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await BodyAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"No error for {field}: {problem}");
    }

    public static async Task<JsonElement> InventoryAsync(HttpClient client, Guid album) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/inventory/{album}");

    /// <summary>The sum of the ledger rows of <paramref name="type"/> that carry the order's id.</summary>
    public static Task<long> LedgerAsync(string connectionString, Guid order, string type) =>
        TestSql.ScalarAsync<long>(connectionString,
            "SELECT coalesce(sum(quantity_change), 0)::bigint FROM inventory_transactions WHERE order_id = @order AND transaction_type::text = @type",
            ("order", order), ("type", type));

    /// <summary>One column of the order's row as text; "" when there is no row.</summary>
    public static Task<string> OrderRowAsync(string connectionString, Guid order, string column) =>
        TestSql.ScalarAsync<string>(connectionString, $"SELECT coalesce((SELECT {column}::text FROM orders WHERE order_id = @order), '')", ("order", order));
}
