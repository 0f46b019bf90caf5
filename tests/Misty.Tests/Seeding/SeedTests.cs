using Misty.Persistence;
using Misty.Seeding;
using Misty.Tests.Infrastructure;
using Npgsql;

namespace Misty.Tests.Seeding;

/// <summary>
/// The demo dataset is loaded as asked, is internally consistent (stock ledger, order totals, customer totals), is the
/// same for the same options, and is never loaded over existing data.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SeedTests(PostgresFixture postgres)
{
    private static readonly SeedOptions Small = new() { Albums = 200, Customers = 500 };

    [Fact]
    public async Task Seeds_the_requested_sizes()
    {
        var options = Small with { Orders = 900, Days = 365 };
        var (database, report) = await SeedFreshAsync(options);

        Assert.True(report.Seeded);
        Assert.Equal(200, await CountAsync(database, "albums"));
        Assert.Equal(200, await CountAsync(database, "inventory"));
        Assert.Equal(500, await CountAsync(database, "customers"));
        Assert.Equal(500, await CountAsync(database, "customer_segments"));
        Assert.Equal(900, await CountAsync(database, "orders"));
        Assert.Equal(0, await ScalarAsync<long>(database, "SELECT count(*) FROM orders WHERE order_date < '2025-11-01' OR order_date >= '2026-11-01'"));
        foreach (var table in report.Tables)
        {
            Assert.Equal(table.Rows, await CountAsync(database, table.Table));
        }
    }

    [Fact]
    public async Task A_history_seeded_at_a_moment_has_that_days_orders_up_to_it_and_nothing_after()
    {
        var moment = new DateTime(2026, 11, 3, 15, 30, 0, DateTimeKind.Utc);
        var options = (Small with { Days = 60, Orders = 6_000 }).EndingAt(moment);
        var (database, _) = await SeedFreshAsync(options);

        Assert.Equal(new DateOnly(2026, 11, 4), options.Anchor);
        Assert.True(await ScalarAsync<long>(database, "SELECT count(*) FROM orders WHERE order_date >= '2026-11-03'") > 0);
        Assert.Equal(0, await ScalarAsync<long>(database, "SELECT count(*) FROM orders WHERE order_date >= '2026-11-03T15:30:00Z'"));
        Assert.Equal(0, await ScalarAsync<long>(database, "SELECT count(*) FROM inventory_transactions WHERE created_at >= '2026-11-03T15:30:00Z'"));
        Assert.Equal(0, await ScalarAsync<long>(database, "SELECT count(*) FROM cases WHERE created_at >= '2026-11-03T15:30:00Z'"));
        Assert.Equal(0, await ScalarAsync<long>(database, "SELECT count(*) FROM orders WHERE order_date < '2026-09-04'"));
    }

    [Fact]
    public async Task Every_albums_stock_is_the_sum_of_its_ledger_and_never_went_negative()
    {
        var (database, _) = await SeedFreshAsync(Small);

        var withoutInventory = await ScalarAsync<long>(database, """
            SELECT count(*) FROM albums a WHERE NOT EXISTS (SELECT 1 FROM inventory i WHERE i.album_id = a.album_id)
            """);
        var offLedger = await ScalarAsync<long>(database, """
            SELECT count(*) FROM inventory i
            WHERE i.quantity <> (SELECT coalesce(sum(t.quantity_change), 0) FROM inventory_transactions t WHERE t.inventory_id = i.inventory_id)
            """);
        var negativeOnTheWay = await ScalarAsync<long>(database, """
            SELECT count(*) FROM (
                SELECT sum(quantity_change) OVER (PARTITION BY inventory_id ORDER BY created_at, transaction_id) AS running
                FROM inventory_transactions) ledger
            WHERE running < 0
            """);
        var salesOffOrders = await ScalarAsync<long>(database, """
            SELECT count(*) FROM order_items oi JOIN orders o USING (order_id) JOIN inventory i USING (album_id)
            WHERE o.status <> 'cancelled'
              AND NOT EXISTS (SELECT 1 FROM inventory_transactions t
                              WHERE t.order_id = o.order_id AND t.inventory_id = i.inventory_id
                                AND t.transaction_type = 'sale' AND t.quantity_change = -oi.quantity)
            """);

        Assert.Equal(0, withoutInventory);
        Assert.Equal(0, offLedger);
        Assert.Equal(0, negativeOnTheWay);
        Assert.Equal(0, salesOffOrders);
    }

    [Fact]
    public async Task Order_totals_are_items_plus_tax_plus_shipping()
    {
        var (database, _) = await SeedFreshAsync(Small);

        var wrongLines = await ScalarAsync<long>(database, "SELECT count(*) FROM order_items WHERE total <> quantity * unit_price - discount");
        var wrongOrders = await ScalarAsync<long>(database, """
            SELECT count(*) FROM orders o
            WHERE o.subtotal <> (SELECT sum(oi.total) FROM order_items oi WHERE oi.order_id = o.order_id)
               OR o.total <> o.subtotal + o.tax + o.shipping_fee
            """);

        Assert.Equal(0, wrongLines);
        Assert.Equal(0, wrongOrders);
    }

    [Fact]
    public async Task The_loaded_tables_have_planner_statistics_when_seeding_ends()
    {
        var (database, _) = await SeedFreshAsync(Small);

        // What a grain's first activation filters on: without these the planner guesses and the first reads crawl.
        Assert.True(await ScalarAsync<long>(database, "SELECT count(*) FROM pg_stats WHERE tablename = 'orders' AND attname = 'customer_id'") > 0);
        Assert.True(await ScalarAsync<long>(database, "SELECT count(*) FROM pg_stats WHERE tablename = 'order_items' AND attname = 'album_id'") > 0);
        Assert.True(await ScalarAsync<float>(database, "SELECT reltuples FROM pg_class WHERE relname = 'customers'") >= 500);
    }

    [Fact]
    public async Task Customer_totals_match_their_orders()
    {
        var (database, _) = await SeedFreshAsync(Small);

        var wrong = await ScalarAsync<long>(database, """
            SELECT count(*) FROM customers c
            LEFT JOIN (SELECT customer_id, sum(total) AS spent, count(*) AS purchases
                       FROM orders WHERE status <> 'cancelled' GROUP BY customer_id) o USING (customer_id)
            WHERE c.lifetime_value <> coalesce(o.spent, 0) OR c.total_purchases <> coalesce(o.purchases, 0)
            """);

        Assert.Equal(0, wrong);
    }

    [Fact]
    public async Task The_same_options_give_identical_data()
    {
        var (first, report) = await SeedFreshAsync(Small);
        var (second, _) = await SeedFreshAsync(Small);

        foreach (var table in report.Tables.Select(table => table.Table))
        {
            var (once, twice) = (await FingerprintAsync(first, table), await FingerprintAsync(second, table));
            Assert.True(once == twice, $"{table} differs between two seeds with the same options");
        }
    }

    [Fact]
    public async Task Another_seed_gives_other_data()
    {
        var (first, _) = await SeedFreshAsync(Small);
        var (second, _) = await SeedFreshAsync(Small with { Seed = Small.Seed + 1 });

        Assert.NotEqual(await FingerprintAsync(first, "albums"), await FingerprintAsync(second, "albums"));
    }

    [Fact]
    public async Task A_database_with_albums_is_left_alone()
    {
        var database = await postgres.CreateDatabaseAsync();
        await ExecuteAsync(database, "INSERT INTO albums (sku, title, artist, price) VALUES ('OWN-1', 'Own Record', 'Own Artist', 20)");

        var report = await SeedAsync(database, Small);

        Assert.False(report.Seeded);
        Assert.Empty(report.Tables);
        Assert.Equal(1, await CountAsync(database, "albums"));
        Assert.Equal(0, await CountAsync(database, "customers"));
    }

    [Fact]
    public async Task Seeding_twice_writes_once()
    {
        var (database, first) = await SeedFreshAsync(Small);

        var second = await SeedAsync(database, Small);

        Assert.True(first.Seeded);
        Assert.False(second.Seeded);
        Assert.Equal(Small.Albums, await CountAsync(database, "albums"));
    }

    private async Task<(string Database, SeedReport Report)> SeedFreshAsync(SeedOptions options)
    {
        var database = await postgres.CreateDatabaseAsync();
        return (database, await SeedAsync(database, options));
    }

    private static async Task<SeedReport> SeedAsync(string database, SeedOptions options)
    {
        await using var dataSource = MistyDatabase.CreateDataSource(database);
        return await new DemoDataSeeder(dataSource).SeedAsync(options);
    }

    /// <summary>
    /// A hash of every row of the table in a fixed order. Password hashes are left out: they are of random passwords
    /// nobody knows, and security stamps are random: by design the only things that differ between runs.
    /// </summary>
    private static Task<string> FingerprintAsync(string database, string table) =>
        ScalarAsync<string>(database, $"""
            SELECT md5(string_agg(row_text, '|' ORDER BY row_text))
            FROM (SELECT (to_jsonb(t) - 'password_hash' - 'security_stamp')::text AS row_text FROM {table} t) rows
            """);

    private static Task<long> CountAsync(string database, string table) =>
        ScalarAsync<long>(database, $"SELECT count(*) FROM {table}");

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
