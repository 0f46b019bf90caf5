using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Forecasting;

/// <summary>A week of an album's stored forecast.</summary>
public sealed record StoredForecastWeek(DateOnly WeekStart, int PredictedDemand, int? LowerBound, int? UpperBound, decimal? ConfidenceLevel,
    string ModelVersion, JsonElement InfluencingFactors);

/// <summary>
/// The relational side of the demand forecast: sales history from the ledger, demand_forecasts rows, and the
/// forecaster's entry in ai_model_config.
/// </summary>
public sealed class DemandForecastStore(NpgsqlDataSource database)
{
    public const string ModelConfigName = "Misty demand forecaster";

    // Sales count as demand and returns net it; both are left out for cancelled orders, whose stock came back.
    private const string SalesSql = """
        SELECT i.album_id, t.created_at, -t.quantity_change
        FROM inventory_transactions t
        JOIN inventory i ON i.inventory_id = t.inventory_id
        LEFT JOIN orders o ON o.order_id = t.order_id
        WHERE t.transaction_type IN ('sale', 'return') AND t.created_at >= @since AND t.created_at < @cutoff
          AND (o.status IS NULL OR o.status <> 'cancelled')
        """;

    public async Task<IReadOnlyList<SaleLine>> SalesAsync(DateTimeOffset since, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(SalesSql);
        command.Parameters.AddWithValue("since", since);
        command.Parameters.AddWithValue("cutoff", cutoff);
        var lines = new List<SaleLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new SaleLine(reader.GetGuid(0).ToString(), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt32(2)));
        }

        return lines;
    }

    /// <summary>Every album still in the catalogue, with its genre as the peer group for albums that never sold.</summary>
    public async Task<IReadOnlyList<PeerItem>> AlbumsAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT album_id, genre_id FROM albums WHERE deleted_at IS NULL");
        var albums = new List<PeerItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            albums.Add(new PeerItem(reader.GetGuid(0).ToString(), reader.IsDBNull(1) ? null : reader.GetGuid(1).ToString()));
        }

        return albums;
    }

    /// <summary>
    /// Replaces the forecasts for the weeks from <paramref name="firstWeek"/> on with these, in one transaction; a
    /// concurrent refresh waits for the lock, so the weeks never hold two runs' rows.
    /// </summary>
    public async Task<int> ReplaceAsync(DateOnly firstWeek, IReadOnlyList<ItemForecast> forecasts, double level, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var clear = new NpgsqlCommand(
            "LOCK TABLE demand_forecasts IN SHARE ROW EXCLUSIVE MODE; DELETE FROM demand_forecasts WHERE forecast_date >= @first", connection, transaction))
        {
            clear.Parameters.AddWithValue("first", firstWeek);
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        var rows = 0;
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY demand_forecasts (album_id, forecast_date, predicted_demand, lower_bound, upper_bound, confidence_level, model_version, influencing_factors) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var forecast in forecasts)
            {
                var factors = JsonSerializer.Serialize(Factors(forecast));
                for (var h = 0; h < forecast.Point.Length; h++)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(Guid.Parse(forecast.ItemId), NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(firstWeek.AddDays(7 * h), NpgsqlDbType.Date, cancellationToken);
                    await importer.WriteAsync((int)Math.Round(forecast.Point[h]), NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync((int)Math.Floor(forecast.Lower[h]), NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync((int)Math.Ceiling(forecast.Upper[h]), NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync((decimal)level, NpgsqlDbType.Numeric, cancellationToken);
                    await importer.WriteAsync(DemandForecaster.ModelVersion, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(factors, NpgsqlDbType.Jsonb, cancellationToken);
                    rows++;
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>Records the forecaster and its latest backtest in ai_model_config, one row by name.</summary>
    public async Task RegisterModelAsync(BacktestResult? backtest, int horizon, double level, CancellationToken cancellationToken)
    {
        var parameters = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["version"] = DemandForecaster.ModelVersion,
            ["pointModel"] = DemandForecaster.ModelName,
            ["intervals"] = "pooled conformal by horizon and intermittency",
            ["horizonWeeks"] = horizon,
            ["confidenceLevel"] = level,
            ["backtestItems"] = backtest?.Items,
            ["backtestWape"] = backtest is null ? null : Math.Round(backtest.Wape, 4),
            ["backtestMeanMase"] = backtest is null ? null : Math.Round(backtest.MeanMase, 4),
            ["backtestCoverage"] = backtest is null ? null : Math.Round(backtest.Coverage, 4),
        });
        const string Sql = """
            WITH updated AS (
                UPDATE ai_model_config SET model_parameters = @parameters, accuracy_score = @accuracy, active = true
                WHERE model_name = @name AND model_kind = 'engine' RETURNING 1
            )
            INSERT INTO ai_model_config (model_name, model_provider, model_kind, model_parameters, accuracy_score)
            SELECT @name, 'custom', 'engine', @parameters, @accuracy WHERE NOT EXISTS (SELECT 1 FROM updated)
            """;
        await using var command = database.CreateCommand(Sql);
        command.Parameters.AddWithValue("name", ModelConfigName);
        command.Parameters.AddWithValue("parameters", NpgsqlDbType.Jsonb, parameters);
        command.Parameters.AddWithValue("accuracy", (object?)(backtest is null ? null : (decimal)backtest.AccuracyScore) ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The album's stored forecast from <paramref name="from"/> on, week by week.</summary>
    public async Task<IReadOnlyList<StoredForecastWeek>> WeeksAsync(Guid albumId, DateOnly from, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT forecast_date, predicted_demand, lower_bound, upper_bound, confidence_level, model_version, influencing_factors::text
            FROM demand_forecasts WHERE album_id = @album AND forecast_date >= @from ORDER BY forecast_date, created_at DESC
            """);
        command.Parameters.AddWithValue("album", albumId);
        command.Parameters.AddWithValue("from", from);
        var weeks = new List<StoredForecastWeek>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var week = reader.GetFieldValue<DateOnly>(0);
            if (weeks.Count > 0 && weeks[^1].WeekStart == week)
            {
                continue;
            }

            using var factors = JsonDocument.Parse(reader.GetString(6));
            weeks.Add(new StoredForecastWeek(week, reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                reader.GetString(5), factors.RootElement.Clone()));
        }

        return weeks;
    }

    private static Dictionary<string, object?> Factors(ItemForecast forecast)
    {
        var e = forecast.Explanation;
        return new Dictionary<string, object?>
        {
            ["model"] = e.Model,
            ["level"] = Math.Round(e.Level, 3),
            ["trend"] = "none: a flat level, since trend and season did not beat it in backtests",
            ["recentWeeks"] = e.RecentWeeks,
            ["saleProbability"] = Math.Round(e.SaleProbability, 3),
            ["intervalPool"] = e.IntervalGroup,
            ["peers"] = e.Peers,
        };
    }
}
