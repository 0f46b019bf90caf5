using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Misty.Benchmarks.Dashboard;
using Misty.Benchmarks.Reservations;
using Misty.Persistence;
using Misty.Seeding;
using Npgsql;

namespace Misty.Benchmarks.Reports;

/// <summary>
/// The <c>reports</c> mode: how long the reports pages' two requests take on two years of demo data (the seed verb's
/// default sizes), one staff member asking at a time, on one Misty.Web node and a throwaway PostgreSQL.
/// </summary>
public static class ReportsBenchmark
{
    public const string Heading = "## Reports on two years of demo data";
    private const string Database = "bench_reports";
    private const double TargetMs = 200;

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var requests = 50;
        var build = true;
        string? markdown = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--requests" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var count) && count > 0:
                    requests = count;
                    i++;
                    break;
                case "--no-build":
                    build = false;
                    break;
                case "--markdown" when i + 1 < args.Length:
                    markdown = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync("usage: reports [--requests N (default 50)] [--no-build] [--markdown FILE]");
                    return 2;
            }
        }

        return await BenchmarkRun.RunAsync(TimeSpan.FromMinutes(30), build, markdown, Heading, run => MeasureAsync(run, args, requests));
    }

    private static async Task<string> MeasureAsync(BenchmarkContext run, string[] args, int requests)
    {
        var (seeded, rows) = await SeedAsync(run.Postgres, run.Stop);
        // A node's first start embeds the whole seeded catalogue for the knowledge index, minutes of both cores; the reports
        // are measured on a node at rest, as staff meet it every day after that.
        using var target = await DashboardTarget.StartOnAsync(run.Root, run.Postgres, Database, run.Stop,
            new Dictionary<string, string> { ["Misty__Knowledge__IndexInBackground"] = "false" });
        var genre = await BusiestGenreAsync(run.Postgres, run.Stop);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var cases = new (string Name, string Path)[]
        {
            ("sales, last 30 days by day", $"/api/reports/sales?from={Day(today.AddDays(-29))}&to={Day(today)}&groupBy=day"),
            ("sales, last 12 months by week", $"/api/reports/sales?from={Day(today.AddYears(-1))}&to={Day(today)}&groupBy=week"),
            ("sales, two years by month", $"/api/reports/sales?from={Day(today.AddYears(-2))}&to={Day(today)}&groupBy=month"),
            ("sales, two years by day, online", $"/api/reports/sales?from={Day(today.AddYears(-2))}&to={Day(today)}&groupBy=day&channel=online"),
            ($"sales, 12 months by week, genre {genre}", $"/api/reports/sales?from={Day(today.AddYears(-1))}&to={Day(today)}&groupBy=week&genre={Uri.EscapeDataString(genre)}"),
            ("inventory, last 30 days", $"/api/reports/inventory?from={Day(today.AddDays(-29))}&to={Day(today)}"),
            ("inventory, two years", $"/api/reports/inventory?from={Day(today.AddYears(-2))}&to={Day(today)}"),
        };
        var results = new List<(string Name, string Path, double P50, double P99, double Max)>();
        foreach (var (name, path) in cases)
        {
            var (p50, p99, max) = await MeasureAsync(target.Http, path, requests, run.Stop);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {max:0.0} ms"));
            results.Add((name, path, p50, p99, max));
        }

        return Render(args, run.Machine, seeded, rows, requests, results);
    }

    /// <summary>The seed verb's default dataset, ending now, then the statistics autovacuum would gather after a bulk load.</summary>
    private static async Task<(SeedOptions Options, long Rows)> SeedAsync(DurablePostgres postgres, CancellationToken cancellationToken)
    {
        await postgres.CreateDatabaseAsync(Database, cancellationToken);
        var connectionString = postgres.ConnectionString(Database);
        await new MistyMigrator(connectionString, NullLogger.Instance).MigrateAsync(cancellationToken);
        var options = new SeedOptions().EndingAt(DateTime.UtcNow);
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        Console.WriteLine("Seeding the demo dataset ...");
        var seeded = await new DemoDataSeeder(database).SeedAsync(options, cancellationToken);
        await using (var analyze = database.CreateCommand("ANALYZE"))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        Console.WriteLine($"Seeded {seeded.TotalRows:N0} rows in {seeded.Elapsed.TotalSeconds:0} s.");
        return (options, seeded.TotalRows);
    }

    private static async Task<string> BusiestGenreAsync(DurablePostgres postgres, CancellationToken cancellationToken)
    {
        await using var database = NpgsqlDataSource.Create(postgres.ConnectionString(Database));
        await using var command = database.CreateCommand(
            "SELECT g.name FROM albums a JOIN genres g ON g.genre_id = a.genre_id GROUP BY g.name ORDER BY count(*) DESC, g.name LIMIT 1");
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Three unmeasured requests, then <paramref name="requests"/> one after another: the latency one person sees.</summary>
    private static async Task<(double P50, double P99, double Max)> MeasureAsync(HttpClient http, string path, int requests, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 3; i++)
        {
            using var warm = await http.GetAsync(path, cancellationToken);
            warm.EnsureSuccessStatusCode();
        }

        var times = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return (Percentile(times, 0.50), Percentile(times, 0.99), times[^1]);
    }

    private static double Percentile(List<double> sorted, double share) =>
        sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Render(string[] args, string machine, SeedOptions seeded, long rows, int requests,
        List<(string Name, string Path, double P50, double P99, double Max)> results)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"Machine: {machine}. Shared with other work: compare figures of one run with each other.");
        text.AppendLine();
        text.AppendLine(inv, $"Command: `{BenchmarkReport.Command("reports", args)}`");
        text.AppendLine();
        text.AppendLine(inv, $"Data: the seed verb's defaults ({seeded.Albums:N0} albums, {seeded.Customers:N0} customers, {seeded.OrderCount:N0} orders over {seeded.Days} days ending now; {rows:N0} rows in all; the seed rolls every whole day up into the metrics tables, as the daily workflow does), then `ANALYZE`.");
        text.AppendLine(inv, $"One Misty.Web node (Release, co-hosted silo) with the knowledge assistant's background indexing off, so its first embedding of the catalogue does not compete. Each request: 3 unmeasured, then {requests} one after another from a staff client on the same machine (time to the whole answer). Target: {TargetMs:0} ms.");
        text.AppendLine();
        text.AppendLine("| request | p50 ms | p99 ms | max ms | within target |");
        text.AppendLine("| --- | ---: | ---: | ---: | --- |");
        foreach (var (name, path, p50, p99, max) in results)
        {
            text.AppendLine(inv, $"| {name} (`{path.Split('?')[0]}`) | {p50:0.0} | {p99:0.0} | {max:0.0} | {(p99 <= TargetMs ? "yes" : "no")} |");
        }

        return text.ToString().TrimEnd();
    }
}
