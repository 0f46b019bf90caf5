using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Grains.Insights;

public sealed record InsightRunSummary(int Albums, int Customers, int Pricing, int Promotion, int WinBack, int Raised, int Refreshed, int Expired,
    double? IdleSignalPrecision, TimeSpan Elapsed);

/// <summary>
/// One run of the merchandising insights: reads the facts, applies the rules (plain classes), writes the insights, and
/// records the engine with its parameters and the offline check of its idle signal in ai_model_config.
/// </summary>
public sealed class InsightsEngine(NpgsqlDataSource database, InsightFactsReader facts, InsightStore store, TimeProvider clock)
{
    public const string ModelName = "misty-insights";
    public const string ModelVersion = "rules-1";

    public PricingInsights Pricing { get; init; } = PricingInsights.Default;
    public PromotionInsights Promotions { get; init; } = PromotionInsights.Default;
    public WinBackInsights WinBack { get; init; } = WinBackInsights.Default;

    public async Task<InsightRunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var now = clock.GetUtcNow();
        var albums = await facts.AlbumsAsync(now, cancellationToken);
        var customers = await facts.QuietCustomersAsync(now, WinBack.Policy.MinimumDays, cancellationToken);
        var pricing = Pricing.Raise(albums, now);
        var promotions = Promotions.Raise(albums, pricing.Select(draft => draft.EntityId).ToHashSet(), now);
        var winBack = WinBack.Raise(customers, now);
        var (raised, refreshed, expired) = await store.RaiseAsync([.. pricing, .. promotions, .. winBack], now, cancellationToken);
        var backtest = await facts.IdleSignalBacktestAsync(now, Pricing.Policy.NotSellingDays, cancellationToken);
        await RegisterModelAsync(backtest, cancellationToken);
        return new InsightRunSummary(albums.Count, customers.Count, pricing.Count, promotions.Count, winBack.Count, raised, refreshed, expired,
            backtest?.Precision, started.Elapsed);
    }

    /// <summary>One ai_model_config row by name; accuracy_score is 100 x the idle signal's precision on the last 90 days.</summary>
    private async Task RegisterModelAsync((double Precision, int Albums)? backtest, CancellationToken cancellationToken)
    {
        var parameters = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["version"] = ModelVersion,
            ["pricing"] = Pricing.Policy,
            ["promotion"] = Promotions.Policy,
            ["winBack"] = WinBack.Policy,
            ["accuracy"] = "share of albums idle for the pricing rule's window 90 days ago that then sold nothing for 90 days",
            ["backtestAlbums"] = backtest?.Albums,
            ["backtestPrecision"] = backtest is { } result ? Math.Round(result.Precision, 4) : null,
        });
        await using var command = database.CreateCommand("""
            WITH updated AS (
                UPDATE ai_model_config SET model_parameters = @parameters, accuracy_score = @accuracy, active = true
                WHERE model_name = @name AND model_kind = 'engine' RETURNING 1)
            INSERT INTO ai_model_config (model_name, model_provider, model_kind, model_parameters, accuracy_score)
            SELECT @name, 'custom', 'engine', @parameters, @accuracy WHERE NOT EXISTS (SELECT 1 FROM updated)
            """);
        command.Parameters.AddWithValue("name", ModelName);
        command.Parameters.AddWithValue("parameters", NpgsqlDbType.Jsonb, parameters);
        command.Parameters.AddWithValue("accuracy", NpgsqlDbType.Numeric,
            backtest is { } measured ? Math.Round((decimal)measured.Precision * 100m, 2) : DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
