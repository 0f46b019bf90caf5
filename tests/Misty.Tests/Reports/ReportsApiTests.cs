using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Misty.Tests.Cases;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Reports;

/// <summary>The reports answer from the order and stock rows: periods, the previous period, new against returning customers, CSV.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReportsApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Sales_are_grouped_by_period_with_the_previous_period_and_customers_counted_new_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 50);
        var ada = await CaseTestData.InsertCustomerAsync(connectionString, "Ada");
        var bob = await CaseTestData.InsertCustomerAsync(connectionString, "Bob");
        await OrderAsync(connectionString, ada, album, "2026-10-20T10:00:00Z", 2, 30m, "online");
        await OrderAsync(connectionString, ada, album, "2026-11-02T10:00:00Z", 1, 15m, "online");
        await OrderAsync(connectionString, bob, album, "2026-11-03T09:00:00Z", 3, 45m, "in-store");
        await OrderAsync(connectionString, bob, album, "2026-11-03T11:00:00Z", 1, 15m, "online", status: "cancelled");
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var manager = await node.CreateClientAsync("manager");

        var report = await manager.GetFromJsonAsync<JsonElement>("/api/reports/sales?from=2026-11-01&to=2026-11-30&groupBy=day");
        var periods = report.GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal(["2026-11-02", "2026-11-03"], periods.Select(period => period.GetProperty("start").GetString()));
        var totals = report.GetProperty("totals");
        Assert.Equal(60m, totals.GetProperty("revenue").GetDecimal());
        Assert.Equal(4, totals.GetProperty("units").GetInt32());
        Assert.Equal(2, totals.GetProperty("orders").GetInt32());
        Assert.Equal(30m, totals.GetProperty("averageOrderValue").GetDecimal());
        // Bob's first order is in the period, Ada's is not.
        Assert.Equal(1, totals.GetProperty("newCustomers").GetInt32());
        Assert.Equal(1, totals.GetProperty("returningCustomers").GetInt32());
        var previous = report.GetProperty("previous");
        Assert.Equal(30m, previous.GetProperty("revenue").GetDecimal());
        Assert.Equal(1, previous.GetProperty("newCustomers").GetInt32());
        Assert.Equal(4, report.GetProperty("topSellers")[0].GetProperty("units").GetInt32());

        var online = await manager.GetFromJsonAsync<JsonElement>("/api/reports/sales?from=2026-11-01&to=2026-11-30&channel=online&groupBy=month");
        Assert.Equal(15m, online.GetProperty("totals").GetProperty("revenue").GetDecimal());
        Assert.Equal("2026-11-01", online.GetProperty("periods")[0].GetProperty("start").GetString());

        var csv = await manager.GetAsync("/api/reports/sales?from=2026-11-01&to=2026-11-30&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("period,revenue,units,orders,average_order_value,new_customers,returning_customers", lines[0]);
        Assert.Equal("\"2026-11-03\",45.00,3,1,45.00,1,0", lines[2]);

        var stock = await manager.GetFromJsonAsync<JsonElement>("/api/reports/inventory?from=2026-11-01&to=2026-11-30");
        Assert.Equal(50, stock.GetProperty("totals").GetProperty("units").GetInt32());
    }

    [Fact]
    public async Task Bad_report_queries_name_their_field_and_staff_are_refused()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var node = await MistyWebNode.StartAsync(connectionString);
        using var manager = await node.CreateClientAsync("manager");
        using var staff = await node.CreateClientAsync("staff");

        foreach (var (query, field) in new[]
        {
            ("from=2026-13-01", "from"), ("from=2026-11-10&to=2026-11-01", "from"), ("groupBy=year", "groupBy"), ("groupBy=1", "groupBy"),
            ("channel=mail", "channel"), ("format=xml", "format"), ("from=2020-01-01&to=2026-01-01", "from"),
        })
        {
            var response = await manager.GetAsync($"/api/reports/sales?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query}: {problem}");
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/reports/sales")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/reports/inventory")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/audit")).StatusCode);
        using var admin = await node.LoginAsync(MistyWebNode.AdminEmail, MistyWebNode.AdminPassword);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/audit?from=yesterday")).StatusCode);
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=auth.&pageSize=5");
        Assert.True(audit.GetProperty("total").GetInt64() >= 3);
        Assert.All(audit.GetProperty("items").EnumerateArray(), entry => Assert.StartsWith("auth.", entry.GetProperty("action").GetString(), StringComparison.Ordinal));
    }

    private static Task OrderAsync(string connectionString, Guid customer, Guid album, string at, int quantity, decimal total, string channel, string status = "delivered") =>
        TestSql.ExecuteAsync(connectionString,
            """
            WITH placed AS (
                INSERT INTO orders (customer_id, order_number, subtotal, total, status, channel, order_date)
                VALUES (@customer, 'T-' || left(md5(random()::text), 20), @total, @total, @status::order_status, @channel::sales_channel, @at::timestamptz)
                RETURNING order_id)
            INSERT INTO order_items (order_id, album_id, quantity, unit_price, total)
            SELECT order_id, @album, @quantity, @total / @quantity, @total FROM placed
            """,
            ("customer", customer), ("album", album), ("at", at), ("quantity", quantity), ("total", total), ("channel", channel), ("status", status));
}
