using System.Globalization;
using Misty.Grains.Forecasting;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Demand forecast refresh: forecasts every album's weekly demand 12 weeks ahead from the sales ledger up to the start
/// of the day (UTC, or the input's <c>date</c>), replaces the stored forecasts from that day on, then backtests the
/// engine on the last 8 weeks and records its accuracy in ai_model_config.
/// </summary>
public sealed class DemandForecastRefreshPlan(DemandForecastStore store) : IWorkflowPlan
{
    public const string PlanKey = "demand-forecast-refresh";
    public const int HorizonWeeks = 12;
    public const double Level = 0.8;
    private const int BacktestWeeks = 8;
    private const int HistoryWeeks = 156;

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps =>
        [WorkflowStep.Action("forecast-albums", ForecastAsync), WorkflowStep.Action("register-model", RegisterAsync)];

    /// <summary>
    /// The first step's work: every album's forecast from the sales before <paramref name="cutoff"/>, written over the
    /// stored weeks from that day on. Public so the refresh benchmark times exactly what the workflow runs.
    /// </summary>
    public async Task<RefreshCounts> ForecastAlbumsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var lines = await store.SalesAsync(cutoff.AddDays(-7 * HistoryWeeks), cutoff, cancellationToken);
        var albums = await store.AlbumsAsync(cancellationToken);
        var known = albums.Select(a => a.ItemId).ToHashSet(StringComparer.Ordinal);
        var series = WeeklySeriesBuilder.Build(lines, cutoff).Where(s => known.Contains(s.ItemId)).ToList();
        var forecasts = PeerForecasts.Complete(DemandForecaster.Forecast(series, HorizonWeeks, Level), albums, HorizonWeeks);
        var rows = await store.ReplaceAsync(DateOnly.FromDateTime(cutoff.UtcDateTime), forecasts, Level, cancellationToken);
        return new RefreshCounts(forecasts.Count, series.Count, rows);
    }

    /// <summary>The second step's work: backtest the engine on the last weeks and record its accuracy.</summary>
    public async Task<BacktestResult?> RegisterModelAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var lines = await store.SalesAsync(cutoff.AddDays(-7 * HistoryWeeks), cutoff, cancellationToken);
        var backtest = ForecastBacktest.Run(lines, cutoff, BacktestWeeks, Level);
        await store.RegisterModelAsync(backtest, HorizonWeeks, Level, cancellationToken);
        return backtest;
    }

    private async Task<StepResult> ForecastAsync(StepContext context)
    {
        var cutoff = Cutoff(context);
        var (albums, withHistory, rows) = await ForecastAlbumsAsync(cutoff, context.Cancellation);
        return new StepResult(
            $"Forecast {albums} album(s) ({withHistory} from their own sales, {albums - withHistory} from peers) from {cutoff:yyyy-MM-dd}: {rows} row(s).",
            new { albums, withHistory, rows });
    }

    private async Task<StepResult> RegisterAsync(StepContext context)
    {
        var cutoff = Cutoff(context);
        var backtest = await RegisterModelAsync(cutoff, context.Cancellation);
        return backtest is null
            ? new StepResult("No sales before the backtest's origin; the model is registered without an accuracy score.")
            : new StepResult(string.Create(CultureInfo.InvariantCulture,
                $"Backtest over the last {BacktestWeeks} weeks, {backtest.Items} album(s): accuracy {backtest.AccuracyScore:0.##} (WAPE {backtest.Wape:0.###}), mean MASE {backtest.MeanMase:0.###}, {Level:P0} interval coverage {backtest.Coverage:P1}."),
                backtest);
    }

    private static DateTimeOffset Cutoff(StepContext context)
    {
        var today = DateOnly.FromDateTime(context.Clock.GetUtcNow().UtcDateTime);
        var day = context.InputAs<RefreshInput>()?.Date is { } text
            ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : throw new WorkflowStepException($"The input's date '{text}' is not a yyyy-MM-dd date.")
            : today;
        return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }

    private sealed record RefreshInput(string? Date);
}

/// <param name="Albums">Albums forecast, with history or from peers.</param>
/// <param name="WithHistory">Albums forecast from their own sales.</param>
/// <param name="Rows">demand_forecasts rows written.</param>
public sealed record RefreshCounts(int Albums, int WithHistory, int Rows);
