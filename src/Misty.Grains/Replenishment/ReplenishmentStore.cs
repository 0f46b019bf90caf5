using System.Text.Json;
using Misty.Grains.Interfaces.Replenishment;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Replenishment;

/// <summary>An album's stock as its inventory grain reported it, for planning.</summary>
public sealed record PlanCandidate(Guid AlbumId, string Sku, int OnHand, int Held, int ReorderPoint, int OptimalStockLevel);

/// <summary>A reorder line the planner queued or topped up.</summary>
public sealed record PlannedReorder(Guid ReorderId, Guid AlbumId, Guid? SupplierId, int Quantity, decimal? UnitCost, decimal? TotalCost,
    string Priority, int Confidence, string Insight);

/// <param name="Reorder">The line queued or topped up; null when nothing more is needed.</param>
/// <param name="Note">Why, for the workflow's log.</param>
public sealed record PlanOutcome(PlannedReorder? Reorder, string Note);

/// <summary>
/// Turns replenishment plans into reorder_queue lines. Each album's plan has one owner at a time: the planning
/// transaction takes the album's advisory lock, counts what is pending, approved or ordered and not received, and
/// either tops up the album's one pending line or adds it (a partial unique index allows only one). A rerun, a second
/// trigger or a concurrent run therefore finds its own earlier order on order and adds nothing.
/// </summary>
public sealed class ReplenishmentStore(NpgsqlDataSource database, ReorderNotices notices)
{
    /// <summary>After a manager dismisses a line, the album is not proposed again for this many days.</summary>
    public const int DismissalHoldDays = 7;

    /// <summary>Enough for one low-stock run; a larger backlog is worked off by the next runs.</summary>
    public const int MaxLowStockAlbums = 500;

    private const string OnOrderSql = """
        SELECT coalesce(sum(recommended_quantity - received_quantity), 0)::int FROM reorder_queue
        WHERE album_id = @album AND status IN ('pending', 'approved', 'ordered')
        """;

    private const string QuotesSql = """
        SELECT p.supplier_id, p.unit_price, p.minimum_order_quantity, p.pack_size, coalesce(s.avg_delivery_days, 14), s.reliability_score
        FROM supplier_pricing p JOIN suppliers s ON s.supplier_id = p.supplier_id
        WHERE p.album_id = @album AND p.deleted_at IS NULL AND s.deleted_at IS NULL
          AND p.effective_from <= @today AND (p.effective_to IS NULL OR p.effective_to >= @today)
        """;

    /// <summary>Albums whose projected row is at or below the reorder point, fewest available first.</summary>
    public async Task<IReadOnlyList<Guid>> LowStockAlbumsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT i.album_id FROM inventory i JOIN albums a ON a.album_id = i.album_id
            WHERE a.deleted_at IS NULL AND i.quantity - i.reserved_quantity <= i.reorder_point
            ORDER BY i.quantity - i.reserved_quantity, a.sku LIMIT @limit
            """);
        command.Parameters.AddWithValue("limit", MaxLowStockAlbums);
        return await ReadGuidsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Plans the album from its stock, forecast, what is on order and today's price lists, and queues what is missing.
    /// </summary>
    public async Task<PlanOutcome> PlanAsync(PlanCandidate album, DateOnly today, ReplenishmentPolicy policy, CancellationToken cancellationToken)
    {
        var (forecast, upper) = await ForecastAsync(album.AlbumId, today, cancellationToken);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockAlbum = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('reorder:' || @album::text, 0))", connection, transaction))
        {
            lockAlbum.Parameters.AddWithValue("album", album.AlbumId);
            await lockAlbum.ExecuteNonQueryAsync(cancellationToken);
        }

        if (await ScalarAsync<bool>(connection, transaction, """
            SELECT EXISTS (SELECT 1 FROM reorder_queue WHERE album_id = @album AND status = 'dismissed' AND updated_at > now() - make_interval(days => @days))
            """, cancellationToken, ("album", album.AlbumId), ("days", DismissalHoldDays)))
        {
            return new PlanOutcome(null, $"{album.Sku}: a proposal was dismissed within {DismissalHoldDays} days; not proposed again yet.");
        }

        var pending = await PendingAsync(connection, transaction, album.AlbumId, cancellationToken);
        var onOrder = await ScalarAsync<int>(connection, transaction, OnOrderSql, cancellationToken, ("album", album.AlbumId)) - (pending?.Quantity ?? 0);
        var quotes = await QuotesAsync(connection, transaction, album.AlbumId, today, cancellationToken);
        var sold = await ScalarAsync<int>(connection, transaction, """
            SELECT coalesce(-sum(t.quantity_change), 0)::int FROM inventory_transactions t JOIN inventory i ON i.inventory_id = t.inventory_id
            WHERE i.album_id = @album AND t.transaction_type = 'sale' AND t.created_at >= @since
            """, cancellationToken, ("album", album.AlbumId), ("since", new DateTimeOffset(today.AddDays(-56).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
        var cost = await ScalarAsync<decimal>(connection, transaction, "SELECT coalesce(cost, 0) FROM albums WHERE album_id = @album",
            cancellationToken, ("album", album.AlbumId));
        var input = new ReplenishmentInput(album.OnHand, album.Held, onOrder, forecast, upper, sold, quotes,
            Math.Max(album.OptimalStockLevel, album.ReorderPoint + 1), cost);
        // The pending line is re-planned as if it were not there, and only ever grows: a rerun finds the same need.
        if (ReplenishmentPlanner.Plan(input, policy) is not { } plan || plan.Quantity <= (pending?.Quantity ?? 0))
        {
            return new PlanOutcome(null, $"{album.Sku}: stock and what is on order cover the plan.");
        }

        var unit = plan.Supplier?.UnitCost;
        var total = unit * plan.Quantity;
        var line = pending is null
            ? await InsertAsync(connection, transaction, album, plan, unit, total, cancellationToken)
            : await TopUpAsync(connection, transaction, pending.Value.ReorderId, album, plan, unit, total, cancellationToken);
        await RecommendAsync(connection, transaction, line, plan, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await notices.PublishAsync(line.Queued(plan.Insight));
        var reorder = new PlannedReorder(line.ReorderId, album.AlbumId, plan.Supplier?.SupplierId, plan.Quantity, unit, total, plan.Priority, plan.Confidence, plan.Insight);
        return new PlanOutcome(reorder, $"{album.Sku}: {plan.Insight}");
    }

    /// <summary>The album's stored forecast from the week under way: demand (see <see cref="ReplenishmentForecast"/>) and upper bound per week.</summary>
    public async Task<(double[] Forecast, double[] Upper)> ForecastAsync(Guid albumId, DateOnly today, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT DISTINCT ON (forecast_date) predicted_demand, coalesce(upper_bound, predicted_demand), influencing_factors->'recentWeeks'
            FROM demand_forecasts WHERE album_id = @album AND forecast_date >= @from
            ORDER BY forecast_date, created_at DESC
            """);
        command.Parameters.AddWithValue("album", albumId);
        command.Parameters.AddWithValue("from", today.AddDays(-6));
        var (forecast, upper) = (new List<double>(), new List<double>());
        double[]? recent = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            forecast.Add(reader.GetInt32(0));
            upper.Add(reader.GetInt32(1));
            recent ??= RecentWeeks(reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return ReplenishmentForecast.Demand([.. forecast], [.. upper], recent ?? []);
    }

    /// <summary>The <c>recentWeeks</c> of a forecast's influencing factors (a JSON array of numbers); empty when absent.</summary>
    public static double[] RecentWeeks(string? json)
    {
        if (json is null)
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? [.. document.RootElement.EnumerateArray().Where(week => week.ValueKind == JsonValueKind.Number).Select(week => week.GetDouble())]
            : [];
    }

    private static async Task<(Guid ReorderId, int Quantity)?> PendingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid albumId,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT reorder_id, recommended_quantity FROM reorder_queue WHERE album_id = @album AND status = 'pending'",
            connection, transaction);
        command.Parameters.AddWithValue("album", albumId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetInt32(1)) : null;
    }

    private static async Task<List<SupplierQuote>> QuotesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid albumId, DateOnly today,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(QuotesSql, connection, transaction);
        command.Parameters.AddWithValue("album", albumId);
        command.Parameters.AddWithValue("today", today);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var quotes = new List<SupplierQuote>();
        while (await reader.ReadAsync(cancellationToken))
        {
            quotes.Add(new SupplierQuote(reader.GetGuid(0), reader.GetDecimal(1), reader.GetInt32(2), reader.GetInt32(3), (double)reader.GetDecimal(4),
                reader.IsDBNull(5) ? null : reader.GetDecimal(5) / 100m));
        }

        return quotes;
    }

    private const string LineColumns = "reorder_id, album_id, supplier_id, status::text, priority::text, recommended_quantity, received_quantity, total_cost, version, updated_at";

    private static async Task<ReorderChanged> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PlanCandidate album,
        ReplenishmentPlan plan, decimal? unit, decimal? total, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO reorder_queue (album_id, supplier_id, current_stock, recommended_quantity, unit_cost, total_cost, priority, ai_confidence, status)
            VALUES (@album, @supplier, @stock, @quantity, @unit, @total, @priority::priority_level, @confidence, 'pending')
            RETURNING {LineColumns}
            """, connection, transaction);
        Bind(command, album, plan, unit, total);
        return await ReadLineAsync(command, album.Sku, cancellationToken);
    }

    private static async Task<ReorderChanged> TopUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid reorderId, PlanCandidate album,
        ReplenishmentPlan plan, decimal? unit, decimal? total, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE reorder_queue SET supplier_id = @supplier, current_stock = @stock, recommended_quantity = @quantity, unit_cost = @unit,
                total_cost = @total, priority = @priority::priority_level, ai_confidence = @confidence, version = version + 1
            WHERE reorder_id = @reorder AND status = 'pending'
            RETURNING {LineColumns}
            """, connection, transaction);
        Bind(command, album, plan, unit, total);
        command.Parameters.AddWithValue("reorder", reorderId);
        return await ReadLineAsync(command, album.Sku, cancellationToken);
    }

    private static void Bind(NpgsqlCommand command, PlanCandidate album, ReplenishmentPlan plan, decimal? unit, decimal? total)
    {
        command.Parameters.AddWithValue("album", album.AlbumId);
        command.Parameters.Add(new NpgsqlParameter("supplier", NpgsqlDbType.Uuid) { Value = (object?)plan.Supplier?.SupplierId ?? DBNull.Value });
        command.Parameters.AddWithValue("stock", Math.Max(album.OnHand, 0));
        command.Parameters.AddWithValue("quantity", plan.Quantity);
        command.Parameters.Add(new NpgsqlParameter("unit", NpgsqlDbType.Numeric) { Value = (object?)unit ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("total", NpgsqlDbType.Numeric) { Value = (object?)total ?? DBNull.Value });
        command.Parameters.AddWithValue("priority", plan.Priority);
        command.Parameters.AddWithValue("confidence", plan.Confidence);
    }

    private static async Task<ReorderChanged> ReadLineAsync(NpgsqlCommand command, string sku, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ReorderLines.Read(reader, sku);
    }

    /// <summary>The line's ai_recommendations row (type reorder), one per line: written with it, rewritten when it is topped up.</summary>
    private static async Task RecommendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ReorderChanged line, ReplenishmentPlan plan,
        CancellationToken cancellationToken)
    {
        var metadata = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["reorderId"] = line.ReorderId,
            ["supplierId"] = plan.Supplier?.SupplierId,
            ["quantity"] = plan.Quantity,
            ["orderUpTo"] = plan.OrderUpTo,
            ["leadDays"] = plan.LeadDays,
            ["demandOverLeadTime"] = Math.Round(plan.DemandOverLeadTime, 2),
            ["priority"] = plan.Priority,
        });
        await using var command = new NpgsqlCommand("""
            WITH updated AS (
                UPDATE ai_recommendations SET recommendation = @text, insight = @insight, confidence_score = @confidence,
                    impact = @impact::impact_level, metadata = @metadata
                WHERE recommendation_type = 'reorder' AND entity_id = @album AND metadata->>'reorderId' = @reorder::text RETURNING 1)
            INSERT INTO ai_recommendations (recommendation_type, entity_id, recommendation, insight, confidence_score, impact, status, metadata, expires_at)
            SELECT 'reorder', @album, @text, @insight, @confidence, @impact::impact_level, 'pending', @metadata, now() + interval '14 days'
            WHERE NOT EXISTS (SELECT 1 FROM updated)
            """, connection, transaction);
        command.Parameters.AddWithValue("album", line.AlbumId);
        command.Parameters.AddWithValue("reorder", line.ReorderId);
        command.Parameters.AddWithValue("text", $"Reorder {plan.Quantity} of {line.Sku}" + (plan.Supplier is null ? " (no supplier lists it; pick one)." : "."));
        command.Parameters.AddWithValue("insight", plan.Insight);
        command.Parameters.AddWithValue("confidence", plan.Confidence);
        command.Parameters.AddWithValue("impact", plan.Priority switch { "critical" => "high", "high" => "medium", _ => "low" });
        command.Parameters.AddWithValue("metadata", NpgsqlDbType.Jsonb, metadata);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    internal static async Task<IReadOnlyList<Guid>> ReadGuidsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
