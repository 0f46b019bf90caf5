using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Misty.Benchmarks.Reservations;
using Misty.Grains.Forecasting;
using Misty.Grains.Workflows.BuiltIn;
using Misty.Persistence;
using Misty.Seeding;
using Npgsql;

namespace Misty.Benchmarks.Forecast;

/// <summary>
/// The <c>forecast-refresh</c> mode: the Demand forecast refresh workflow's two steps, end to end on the seed verb's
/// demo dataset in a throwaway PostgreSQL: read the sales ledger, forecast every album 12 weeks ahead, replace the
/// demand_forecasts rows (binary COPY in one transaction), then backtest and register the model. Target: under 60 s
/// for 5,000 albums.
/// </summary>
internal static class ForecastRefreshBenchmark
{
    public const string Heading = "## Demand forecast refresh, end to end";
    private const string Database = "bench_forecast_refresh";
    private const double TargetSeconds = 60;

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var (albums, runs) = (5_000, 3);
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--albums" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var count) && count > 0:
                    albums = count;
                    i++;
                    break;
                case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var count) && count > 0:
                    runs = count;
                    i++;
                    break;
                case "--markdown" when i + 1 < args.Length:
                    markdown = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync("usage: forecast-refresh [--albums N (default 5000)] [--runs N (default 3)] [--markdown FILE]");
                    return 2;
            }
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        var machine = BenchmarkReport.Machine();
        var postgres = await DurablePostgres.StartAsync(trackStatements: false, stop.Token);
        var failed = true;
        try
        {
            await postgres.CreateDatabaseAsync(Database, stop.Token);
            var connectionString = postgres.ConnectionString(Database);
            await new MistyMigrator(connectionString, NullLogger.Instance).MigrateAsync(stop.Token);
            var options = new SeedOptions { Albums = albums };
            await using var database = MistyDatabase.CreateDataSource(connectionString);
            Console.WriteLine($"Seeding the demo dataset ({albums:N0} albums) ...");
            var seeded = await new DemoDataSeeder(database).SeedAsync(options, stop.Token);
            await using (var analyze = database.CreateCommand("ANALYZE"))
            {
                await analyze.ExecuteNonQueryAsync(stop.Token);
            }

            var plan = new DemandForecastRefreshPlan(new DemandForecastStore(database));
            var cutoff = new DateTimeOffset(options.Anchor.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var invariant = CultureInfo.InvariantCulture;
            var table = new StringBuilder();
            var worst = 0.0;
            for (var run = 1; run <= runs; run++)
            {
                var clock = Stopwatch.StartNew();
                var counts = await plan.ForecastAlbumsAsync(cutoff, stop.Token);
                var forecastSeconds = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var backtest = await plan.RegisterModelAsync(cutoff, stop.Token);
                var registerSeconds = clock.Elapsed.TotalSeconds;
                var stored = await CountAsync(database, cutoff, stop.Token);
                worst = Math.Max(worst, forecastSeconds + registerSeconds);
                var line = string.Create(invariant,
                    $"| {run} | {counts.Albums:N0} | {counts.WithHistory:N0} | {counts.Rows:N0} | {stored:N0} | {forecastSeconds:0.0} | {registerSeconds:0.0} | {forecastSeconds + registerSeconds:0.0} | {backtest?.MeanMase:0.###} |");
                Console.WriteLine(line);
                table.AppendLine(line);
            }

            var report = new StringBuilder();
            report.AppendLine(invariant, $"Machine: {machine}. Shared 2-core machine with other work running. Repeat with:");
            report.AppendLine();
            report.AppendLine(invariant, $"    {BenchmarkReport.Command("forecast-refresh", args)}");
            report.AppendLine();
            report.AppendLine(invariant, $"Data: the seed verb's demo dataset ({albums:N0} albums, {seeded.TotalRows:N0} rows, {options.Days} days of orders), then `ANALYZE`, in a throwaway PostgreSQL on this machine (fsync on). Each run calls the workflow's two steps as the nightly run does, with the cutoff at the end of the data: step 1 reads 156 weeks of sales from the ledger, forecasts every album 12 weeks ahead (peers for albums that never sold) and replaces the demand_forecasts rows from the cutoff on (binary COPY in one transaction); step 2 backtests the engine on the last 8 weeks and updates ai_model_config. Run 1 writes into an empty table, later runs replace the rows. Target: the whole refresh under {TargetSeconds:0} s.");
            report.AppendLine();
            report.AppendLine("| run | albums | from own sales | rows written | rows stored | step 1 s (read, forecast, write) | step 2 s (backtest, register) | total s | backtest mean MASE |");
            report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            report.Append(table);
            report.AppendLine();
            report.AppendLine(invariant, $"Slowest run: {worst:0.0} s against the {TargetSeconds:0} s target: {(worst < TargetSeconds ? "met" : "missed")}.");
            Console.WriteLine();
            Console.Write(report);
            if (markdown is not null)
            {
                BenchmarkReport.WriteSection(markdown, Heading, report.ToString());
                Console.WriteLine($"Written to {markdown}.");
            }

            failed = false;
            return 0;
        }
        finally
        {
            await postgres.StopAsync(keepFiles: failed);
            if (failed)
            {
                Console.Error.WriteLine($"Logs kept in {postgres.Root}");
            }
        }
    }

    private static async Task<long> CountAsync(NpgsqlDataSource database, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM demand_forecasts WHERE forecast_date >= @first");
        command.Parameters.AddWithValue("first", DateOnly.FromDateTime(cutoff.UtcDateTime));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
