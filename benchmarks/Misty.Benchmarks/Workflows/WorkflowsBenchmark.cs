using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Misty.Benchmarks.Reservations;
using Misty.Persistence;
using Misty.Seeding;
using Npgsql;

namespace Misty.Benchmarks.Workflows;

/// <summary>
/// Every built-in workflow run by hand on the demo data (20,000 customers by default), on one Misty.Web node (Release,
/// co-hosted silo), timed from the run request to its end; the customer segment refresh twice: as it runs nightly (only
/// the customers whose rows say their segment moved), then with every customer's grain woken (the way it used to run). Then the storefront's recommendation reads (GET /api/customers/{id}/recommendations?k=10)
/// for customers with suggestions, closed loop, and the recompute of every customer's list (the recommendation refresh).
/// </summary>
public static class WorkflowsBenchmark
{
    private const string Heading = "## Workflows and recommendation reads on the demo data";
    private const string AdminEmail = "bench@misty.local";
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(10);

    public static int Run(string[] args)
    {
        var (markdown, seed, reads, clients) = (default(string), new SeedOptions(), 5_000, 8);
        var only = default(string[]);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            if (args[i] == "--only")
            {
                // While developing: only the workflows whose names contain one of these (comma-separated) words.
                only = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                continue;
            }

            (markdown, seed, reads, clients) = args[i] switch
            {
                "--markdown" => (value, seed, reads, clients),
                "--customers" => (markdown, seed with { Customers = int.Parse(value, CultureInfo.InvariantCulture) }, reads, clients),
                "--albums" => (markdown, seed with { Albums = int.Parse(value, CultureInfo.InvariantCulture) }, reads, clients),
                "--reads" => (markdown, seed, int.Parse(value, CultureInfo.InvariantCulture), clients),
                "--clients" => (markdown, seed, reads, int.Parse(value, CultureInfo.InvariantCulture)),
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        // Like the seed verb (and ./run.sh): the history runs up to now, so today's refresh sees yesterday's segments.
        var report = RunAsync(args, seed.EndingAt(DateTime.UtcNow), reads, clients, only, CancellationToken.None).GetAwaiter().GetResult();
        Console.WriteLine(report);
        if (markdown is not null)
        {
            BenchmarkReport.WriteSection(markdown, Heading, report);
        }

        return 0;
    }

    private static async Task<string> RunAsync(string[] args, SeedOptions seed, int reads, int clients, string[]? only, CancellationToken cancellationToken)
    {
        var machine = BenchmarkReport.Machine();
        var root = MistyRepository.Root();
        var postgres = await DurablePostgres.StartAsync(trackStatements: false, cancellationToken);
        try
        {
            await postgres.CreateDatabaseAsync("bench_workflows", cancellationToken);
            var connectionString = postgres.ConnectionString("bench_workflows");
            await new MistyMigrator(connectionString, NullLogger.Instance).MigrateAsync(cancellationToken);
            await using var database = MistyDatabase.CreateDataSource(connectionString);
            var seeding = Stopwatch.StartNew();
            await new DemoDataSeeder(database).SeedAsync(seed, cancellationToken);
            seeding.Stop();
            var drift = await DriftAsync(database, cancellationToken);
            Console.Error.WriteLine(drift);
            using var service = await StartAsync(root, postgres, connectionString, cancellationToken);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false }) { BaseAddress = service.Address, Timeout = TimeSpan.FromMinutes(2) };
            var login = await http.PostAsJsonAsync("/api/auth/login", new { email = AdminEmail, password = Password }, cancellationToken);
            login.EnsureSuccessStatusCode();
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("accessToken").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            var workflows = (await http.GetFromJsonAsync<JsonElement>("/api/workflows", cancellationToken)).EnumerateArray()
                .Select(workflow => (Id: workflow.GetProperty("workflowId").GetGuid(), Name: workflow.GetProperty("name").GetString()!,
                    Enabled: workflow.GetProperty("enabled").GetBoolean()))
                .Where(workflow => only is null || only.Any(word => workflow.Name.Contains(word, StringComparison.OrdinalIgnoreCase))).ToList();
            var rows = new List<string>();
            foreach (var (id, name, enabled) in workflows)
            {
                if (!enabled)
                {
                    // Off until someone enables it (it needs an AI model): a manual run is refused, so there is nothing to time.
                    rows.Add($"| {name} | disabled, not run | | | |");
                    continue;
                }

                // The segment refresh also the old way afterwards, every customer's grain woken: the baseline, same run.
                // The recommendation refresh twice: the first writes into an empty table, the second replaces every list
                // (what each nightly run does).
                var runs = name switch
                {
                    "Customer segment refresh" => new object[] { new { }, new { all = true } },
                    "Customer recommendation refresh" => [new { }, new { }],
                    _ => [new { }],
                };
                foreach (var input in runs)
                {
                    var (status, wall, summary) = await RunWorkflowAsync(http, id, input, cancellationToken);
                    var label = (runs.Length, input == runs[0], name) switch
                    {
                        (1, _, _) => name,
                        (_, true, "Customer segment refresh") => $"{name} (due customers only)",
                        (_, false, "Customer segment refresh") => $"{name} (baseline: every customer woken, {{\"all\": true}})",
                        (_, true, _) => $"{name} (first: into an empty table)",
                        _ => $"{name} (again: replacing every list, as nightly)",
                    };
                    rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {label} | {status} | {wall.TotalSeconds:F1} | {(wall <= TimeSpan.FromMinutes(1) ? "yes" : "no")} | {Cell(summary)} |"));
                    Console.Error.WriteLine(rows[^1]);
                }
            }

            var readLine = await MeasureReadsAsync(http, database, reads, clients, cancellationToken);
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"Measured {machine}, on the shared 2-core machine while other builds ran, with");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"    {BenchmarkReport.Command("workflows", args)}");
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Demo data: {seed.Customers:N0} customers, {seed.Albums:N0} albums, {seed.Days} days of orders, seeded in {seeding.Elapsed.TotalSeconds:F0} s. One Misty.Web node (Release, co-hosted silo, knowledge indexing off so it does not compete) on a private PostgreSQL. Each built-in workflow is run by hand (POST /api/workflows/{{id}}/run with an empty input) one after the other, in the order the API lists them; the time is from the request to the run's end, read by polling its execution every 100 ms. The target is 60 s each; 10 s for the segment refresh.");
            text.AppendLine();
            text.AppendLine(drift);
            text.AppendLine();
            text.AppendLine("| workflow | status | seconds | within 60 s | what it reported |");
            text.AppendLine("| --- | --- | --- | --- | --- |");
            rows.ForEach(row => text.AppendLine(row));
            text.AppendLine();
            text.AppendLine(readLine);
            return text.ToString().TrimEnd();
        }
        finally
        {
            await postgres.StopAsync(keepFiles: false);
        }
    }

    private const string Password = "bench-workflows-password-long-enough";

    private static async Task<ServiceProcess> StartAsync(string root, DurablePostgres postgres, string connectionString, CancellationToken cancellationToken)
    {
        var port = Loopback.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["MISTY_DB"] = connectionString,
            ["MISTY_URLS"] = $"http://127.0.0.1:{port}",
            ["MISTY_ADMIN_EMAIL"] = AdminEmail,
            ["MISTY_ADMIN_PASSWORD"] = Password,
            ["MISTY_KEYRING_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["MISTY_SILO_PORT"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["MISTY_GATEWAY_PORT"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Misty__Knowledge__IndexInBackground"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        return await ServiceProcess.StartAsync(Path.Combine(root, "src/Misty.Web/bin/Release/net10.0/Misty.Web.dll"), ["--contentRoot", Path.Combine(root, "src/Misty.Web")],
            root, environment, new Uri($"http://127.0.0.1:{port}"), Path.Combine(postgres.Root, "misty.log"), cancellationToken);
    }

    private static async Task<(string Status, TimeSpan Wall, string Summary)> RunWorkflowAsync(HttpClient http, Guid workflowId, object input,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var started = await http.PostAsJsonAsync($"/api/workflows/{workflowId}/run", input, cancellationToken);
        started.EnsureSuccessStatusCode();
        var executionId = (await started.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("executionId").GetGuid();
        var transient = 0;
        while (clock.Elapsed < RunLimit)
        {
            using var answer = await http.GetAsync($"/api/executions/{executionId}", cancellationToken);
            if (answer.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
            {
                // A node this busy may answer a read 503 (retry later), which is what a client does.
                transient++;
                await Task.Delay(100, cancellationToken);
                continue;
            }

            answer.EnsureSuccessStatusCode();
            var run = await answer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var status = run.GetProperty("status").GetString()!;
            if (!string.Equals(status, "running", StringComparison.OrdinalIgnoreCase))
            {
                var wall = clock.Elapsed;
                // The steps' own summaries (the log entries a step wrote), not the run's closing line.
                var log = string.Join(" ", run.GetProperty("executionLog").EnumerateArray()
                    .Where(entry => entry.TryGetProperty("step", out var step) && step.ValueKind == JsonValueKind.String)
                    .Select(entry => entry.GetProperty("message").GetString()).TakeLast(2));
                var summary = run.TryGetProperty("errorMessage", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString()! : log ?? "";
                return (status, wall, transient == 0 ? summary : $"{summary} ({transient} status read(s) answered 503 meanwhile)");
            }

            await Task.Delay(100, cancellationToken);
        }

        return ("still running", clock.Elapsed, $"stopped waiting after {RunLimit.TotalMinutes} minutes");
    }

    private static async Task<string> MeasureReadsAsync(HttpClient http, NpgsqlDataSource database, int reads, int clients, CancellationToken cancellationToken)
    {
        var customers = new List<Guid>();
        await using (var command = database.CreateCommand("SELECT DISTINCT customer_id FROM customer_recommendations ORDER BY customer_id LIMIT 2000"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                customers.Add(reader.GetGuid(0));
            }
        }

        if (customers.Count == 0)
        {
            return "Recommendation reads: no customer has suggestions (the recommendation refresh wrote none), so nothing was measured.";
        }

        async Task<double[]> RoundAsync(int count)
        {
            var latencies = new double[count];
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                {
                    var started = Stopwatch.GetTimestamp();
                    using var answer = await http.GetAsync($"/api/customers/{customers[i % customers.Count]}/recommendations?k=10", cancellationToken);
                    await answer.Content.ReadAsByteArrayAsync(cancellationToken);
                    answer.EnsureSuccessStatusCode();
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }));
            return latencies;
        }

        async Task<string> MeasureAsync()
        {
            await RoundAsync(Math.Min(reads, 500));
            var clock = Stopwatch.StartNew();
            var measured = await RoundAsync(reads);
            var seconds = clock.Elapsed.TotalSeconds;
            Array.Sort(measured);
            double Quantile(double q) => measured[Math.Min(measured.Length - 1, (int)Math.Ceiling(q * measured.Length) - 1)];
            return string.Create(CultureInfo.InvariantCulture,
                $"p50 {Quantile(0.5):F2} ms, p99 {Quantile(0.99):F2} ms, max {measured[^1]:F2} ms, {reads / seconds:N0} reads/s");
        }

        // Right after the workflows (the last refresh left 400,000 dead rows that autovacuum is working through), then
        // once the table is vacuumed, as it is long before the storefront's day starts.
        var afterWorkflows = await MeasureAsync();
        await using (var vacuum = database.CreateCommand("VACUUM (ANALYZE) customer_recommendations"))
        {
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }

        var afterVacuum = await MeasureAsync();
        return string.Create(CultureInfo.InvariantCulture,
            $"Recommendation reads (staff token, k=10, {customers.Count:N0} customers with suggestions, {reads:N0} requests after 500 to warm up, {clients} clients in a closed loop, over loopback HTTP): right after the workflows {afterWorkflows}; after VACUUM (ANALYZE) of customer_recommendations {afterVacuum}. Target p99 < 10 ms. The recompute of every customer's list is the Customer recommendation refresh rows above (target < 30 s).");
    }

    /// <summary>How many customers the segment rule, applied to the freshly seeded rows, finds due, and why.</summary>
    private static async Task<string> DriftAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var customers = await Misty.Grains.Customers.SegmentDrift.ReadAsync(database, cancellationToken);
        var due = customers.Where(customer => Misty.Grains.Customers.SegmentDrift.IsDue(customer, now)).ToList();
        var newcomers = due.Count(customer => customer.Segment == Misty.Grains.Interfaces.Customers.SegmentType.NewCustomer);
        return string.Create(CultureInfo.InvariantCulture,
            $"Right after seeding, the segment rule applied to the rows finds {due.Count:N0} of {customers.Count:N0} customers due ({newcomers:N0} of them new customers, whose fit fades by 1.1 points a day).");
    }

    private static string Cell(string text) => text.Replace("|", "/", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
