using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Misty.Benchmarks.Reservations;
using Misty.Client;
using Npgsql;

namespace Misty.Benchmarks.Faults;

/// <summary>
/// Faults under storefront load on one machine: kill -9 of a Misty.Silo, a rolling restart of every process, a
/// PostgreSQL crash and restart; then every acknowledged reservation, release and order is checked against the stock.
/// Also the database's cost per reservation and per order, and stock events on a two-node web tier.
/// </summary>
internal static class FaultsBenchmark
{
    private const int Albums = 20;
    private const int Stock = 1_000_000;

    public static int Run(string[] args)
    {
        var markdown = Option(args, "--markdown");
        var seconds = int.Parse(Option(args, "--seconds") ?? "15", CultureInfo.InvariantCulture);
        var clients = int.Parse(Option(args, "--clients") ?? "16", CultureInfo.InvariantCulture);
        // --only rolling: just the rolling restart (and the invariants), in a section of its own.
        var rollingOnly = Option(args, "--only") == "rolling";
        return RunAsync(args, markdown, TimeSpan.FromSeconds(seconds), clients, rollingOnly).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string[] args, string? markdown, TimeSpan phase, int clients, bool rollingOnly)
    {
        var machine = BenchmarkReport.Machine();
        var root = MistyRepository.Root();
        var postgres = await DurablePostgres.StartAsync(trackStatements: false, CancellationToken.None);
        var logs = Path.Combine(postgres.Root, "logs");
        Directory.CreateDirectory(logs);
        Console.WriteLine($"PostgreSQL on port {postgres.Port}; logs in {logs}");
        var report = new StringBuilder();
        var ok = false;
        try
        {
            await postgres.CreateDatabaseAsync(FaultCluster.Database, CancellationToken.None);
            await using var cluster = new FaultCluster(postgres, root, logs);
            var web = cluster.AddMember("web1", isWeb: true);
            var silo1 = cluster.AddMember("silo1", isWeb: false);
            cluster.AddMember("silo2", isWeb: false);
            foreach (var member in cluster.Members)
            {
                await cluster.StartAsync(member, CancellationToken.None);
            }

            var albums = await CreateAlbumsAsync(cluster, web);
            var ledger = new List<StorefrontLoad>();
            var rows = new List<ScenarioFigures>();
            DatabaseCost? costs = null;
            if (!rollingOnly)
            {
                await using var oneWeb = new ReadyWebNodes([web.Address!]);
                costs = await DatabaseCostAsync(cluster, oneWeb, albums, clients, phase, ledger);
                rows.Add(costs.Steady);
                rows.Add(await ScenarioAsync("kill -9 one Misty.Silo", oneWeb, albums, clients, phase, ledger, () =>
                {
                    cluster.Kill(silo1);
                    return Task.CompletedTask;
                }));
                await cluster.StartAsync(silo1, CancellationToken.None);
            }

            var web2 = cluster.AddMember("web2", isWeb: true);
            await cluster.StartAsync(web2, CancellationToken.None);
            await using var twoWebs = new ReadyWebNodes([web.Address!, web2.Address!]);
            var undrained = 0;
            rows.Add(await ScenarioAsync("rolling restart, two web nodes", twoWebs, albums, clients, phase, ledger, async () =>
            {
                foreach (var member in cluster.Members.ToList())
                {
                    undrained += await cluster.StopGracefullyAsync(member) ? 0 : 1;
                    await cluster.StartAsync(member, CancellationToken.None);
                }
            }));
            if (!rollingOnly)
            {
                rows.Add(await ScenarioAsync("PostgreSQL crash, back after 6 s", twoWebs, albums, clients, phase, ledger, async () =>
                {
                    await postgres.CrashAsync();
                    await Task.Delay(TimeSpan.FromSeconds(6));
                    await postgres.StartServerAsync(CancellationToken.None);
                }));
            }

            await SettledAsync(cluster);
            var check = await VerifyAsync(web, albums, ledger);
            var events = rollingOnly ? null : await StockEventsAsync(cluster, web, web2, albums[0]);

            report.AppendLine(CultureInfo.InvariantCulture, $"Measured {machine}; a shared 2-core machine, so absolute figures are low and noisy.");
            report.AppendLine(CultureInfo.InvariantCulture, $"Command: `{BenchmarkReport.Command("faults", args)}`.");
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"One PostgreSQL (fsync on), Misty.Web with its co-hosted silo and two Misty.Silo on loopback; {clients} storefront clients, each reserving one album (70%) or two, then releasing (30%), ordering online (20%) or keeping the hold; every request retried with its Idempotency-Key (next web node, Retry-After or 250 ms, up to 60 s) through a load balancer that sends only to web nodes whose /health/ready answered 200 at its last probe (every 250 ms; to all nodes when none is ready). Each scenario runs {phase.TotalSeconds:0} s of load before the fault and {phase.TotalSeconds:0} s after it ends.");
            report.AppendLine();
            report.AppendLine("| scenario | requests | failed attempts | of them 500 | 503 | no answer | requests given up | p99 of attempts | recovery |");
            report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var scenario in rows)
            {
                report.AppendLine(scenario.Row());
            }

            report.AppendLine();
            report.AppendLine("Failed attempts are answers of 5xx or 429 and requests that got no answer (refused, reset, timed out), each retried; requests given up are those still failing after 60 s. Recovery: from the fault's start until the last failed attempt.");
            report.AppendLine(CultureInfo.InvariantCulture, $"Rolling restart: every process (web1, silo1, silo2, web2) stopped with SIGTERM and started again, one at a time; a web node answers 503 on /health/ready and keeps serving for Misty:Shutdown:DrainDelay (5 s) before its listener closes, then finishes what is in flight and its silo leaves the cluster; {undrained} did not exit within 60 s.");
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"**Invariants after all scenarios**: {check}");
            if (costs is not null)
            {
                report.AppendLine();
                report.AppendLine(CultureInfo.InvariantCulture, $"**Database cost** (steady phase without faults): {costs.Describe()}");
            }

            if (events is not null)
            {
                report.AppendLine();
                report.AppendLine(CultureInfo.InvariantCulture, $"**Two-node web tier**: {events}");
            }

            Console.WriteLine(report);
            ok = check.StartsWith("held", StringComparison.Ordinal) && events?.Contains("MISSING", StringComparison.Ordinal) != true;
            if (markdown is not null)
            {
                BenchmarkReport.WriteSection(markdown, rollingOnly ? "## Faults under load: rolling restart" : "## Faults under load", report.ToString());
            }
        }
        finally
        {
            await postgres.StopAsync(keepFiles: !ok);
        }

        return ok ? 0 : 1;
    }

    /// <summary>Load, then the fault, then load until as long again after the fault ended; the attempts from the fault on.</summary>
    private static async Task<ScenarioFigures> ScenarioAsync(string name, ReadyWebNodes webs, IReadOnlyList<Guid> albums, int clients, TimeSpan phase,
        List<StorefrontLoad> ledger, Func<Task> fault)
    {
        Console.WriteLine($"Scenario: {name}");
        var load = new StorefrontLoad(webs, albums, releaseShare: 0.3, orderShare: 0.2);
        ledger.Add(load);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(clients, stop.Token);
        await Task.Delay(phase);
        var faultAt = DateTime.UtcNow;
        await fault();
        await Task.Delay(phase);
        await stop.CancelAsync();
        await running;
        return ScenarioFigures.From(name, load, faultAt);
    }

    private static async Task<DatabaseCost> DatabaseCostAsync(FaultCluster cluster, ReadyWebNodes webs, IReadOnlyList<Guid> albums, int clients,
        TimeSpan phase, List<StorefrontLoad> ledger)
    {
        Console.WriteLine("Database cost per reservation and per order");
        var reserveOnly = new StorefrontLoad(webs, albums, releaseShare: 0, orderShare: 0);
        var (reservationWal, reservationCommits, reservationRows) = await MeasureAsync(cluster, reserveOnly, clients, phase, ledger);
        var ordering = new StorefrontLoad(webs, albums, releaseShare: 0, orderShare: 1);
        var (orderWal, orderCommits, orderRows) = await MeasureAsync(cluster, ordering, clients, phase, ledger);
        var steady = ScenarioFigures.From("no fault (reserve, then order)", ordering, DateTime.MinValue);
        return new DatabaseCost(steady, reserveOnly.Reservations.Count, reservationWal, reservationCommits, reservationRows,
            ordering.Orders, orderWal, orderCommits, orderRows);
    }

    private static async Task<(long Wal, long Commits, Dictionary<string, long> Rows)> MeasureAsync(
        FaultCluster cluster, StorefrontLoad load, int clients, TimeSpan phase, List<StorefrontLoad> ledger)
    {
        ledger.Add(load);
        var before = await WalAndCommitsAsync(cluster);
        var rowsBefore = await RowsWrittenAsync(cluster);
        using var stop = new CancellationTokenSource(phase);
        await load.RunAsync(clients, stop.Token);
        var after = await WalAndCommitsAsync(cluster);
        // The statistics collector reports a little later than the commits.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var rows = (await RowsWrittenAsync(cluster)).ToDictionary(pair => pair.Key, pair => pair.Value - rowsBefore.GetValueOrDefault(pair.Key));
        return (after.Wal - before.Wal, after.Commits - before.Commits, rows);
    }

    /// <summary>Rows inserted and updated per table so far (pg_stat_user_tables).</summary>
    private static async Task<Dictionary<string, long>> RowsWrittenAsync(FaultCluster cluster)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cluster.Postgres.ConnectionString(FaultCluster.Database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_user_tables", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetInt64(1);
        }

        return rows;
    }

    private static async Task<(long Wal, long Commits)> WalAndCommitsAsync(FaultCluster cluster)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cluster.Postgres.ConnectionString(FaultCluster.Database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database())",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>
    /// Waits (up to 2 minutes) until no order waits for its payment: an order acknowledged while a charge could not
    /// be made (its node stopping) is charged by the order's own retry, and only then commits its reservation.
    /// </summary>
    private static async Task SettledAsync(FaultCluster cluster)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        await using var connection = new NpgsqlConnection(cluster.Postgres.ConnectionString(FaultCluster.Database));
        await connection.OpenAsync();
        await using var pending = new NpgsqlCommand("SELECT count(*) FROM orders WHERE status = 'pending'", connection);
        while (Convert.ToInt64(await pending.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Every acknowledged outcome against the stock: held units, sold units, each reservation's status.</summary>
    private static async Task<string> VerifyAsync(FaultCluster.Member web, IReadOnlyList<Guid> albums, List<StorefrontLoad> ledger)
    {
        using var http = new HttpClient { BaseAddress = web.Address };
        http.DefaultRequestHeaders.Add("X-Api-Key", FaultCluster.StorefrontKey);
        var storefront = new MistyClient(http);
        var uncertain = ledger.SelectMany(load => load.UncertainAlbums).ToHashSet();
        var outcomes = ledger.SelectMany(load => load.Reservations).ToList();
        var mismatches = new List<string>();
        var checkedAlbums = 0;
        foreach (var album in albums.Where(album => !uncertain.Contains(album)))
        {
            var lines = outcomes.SelectMany(pair => pair.Value.Albums.Where(a => a == album).Select(_ => pair.Value.State)).ToList();
            var held = lines.Count(state => state is StorefrontLoad.State.Held or StorefrontLoad.State.OrderHeldForReview);
            var sold = lines.Count(state => state == StorefrontLoad.State.Ordered);
            var stock = await storefront.GetInventoryAsync(album);
            var (reserved, quantity) = (stock.Reserved, stock.Quantity);
            if (reserved != held || quantity != Stock - sold)
            {
                mismatches.Add($"album {album}: reserved {reserved} (acknowledged {held}), quantity {quantity} (expected {Stock - sold})");
            }

            checkedAlbums++;
        }

        var statusErrors = 0;
        foreach (var (id, outcome) in outcomes.Where(pair => pair.Value.State != StorefrontLoad.State.OrderHeldForReview))
        {
            var expected = outcome.State switch
            {
                StorefrontLoad.State.Held => "held",
                StorefrontLoad.State.Released => "released",
                _ => "committed",
            };
            string status;
            try
            {
                status = (await storefront.GetReservationAsync(id)).Status;
            }
            catch (MistyApiException ex)
            {
                status = $"HTTP {ex.StatusCode}";
            }

            statusErrors += status == expected ? 0 : 1;
        }

        var unexpected = ledger.Sum(load => load.Unexpected);
        var answers = ledger.SelectMany(load => load.UnexpectedAnswers).GroupBy(answer => answer).Select(group => FormattableString.Invariant($"{group.Key} x{group.Count()}"));
        var summary = FormattableString.Invariant(
            $"{outcomes.Count} acknowledged reservations ({ledger.Sum(load => load.Releases)} released, {ledger.Sum(load => load.Orders)} ordered), {checkedAlbums} of {albums.Count} albums checked exactly ({uncertain.Count} touched by a request given up), {mismatches.Count} stock mismatches, {statusErrors} reservations not in their acknowledged status, {unexpected} unexpected final answers");
        var clean = mismatches.Count == 0 && statusErrors == 0 && unexpected == 0;
        return (clean ? "held: " : "BROKEN: ") + summary + (unexpected > 0 ? " (" + string.Join(", ", answers) + ")" : "")
            + (mismatches.Count > 0 ? " — " + string.Join("; ", mismatches.Take(5)) : "") + ".";
    }

    /// <summary>SignalR clients on both web nodes follow one album while reservations of it go to both nodes.</summary>
    private static async Task<string> StockEventsAsync(FaultCluster cluster, FaultCluster.Member web1, FaultCluster.Member web2, Guid album)
    {
        const int Changes = 200;
        var watchers = new List<(string Node, List<long> Versions, HubConnection Hub)>();
        foreach (var (node, index) in new[] { web1, web2 }.SelectMany(node => Enumerable.Range(0, 2).Select(i => (node, i))))
        {
            var token = await cluster.StaffTokenAsync(node, CancellationToken.None);
            var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(node.Address!, "hubs/operations"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            var versions = new List<long>();
            hub.On<JsonElement[]>("StockChanged", batch =>
            {
                lock (versions)
                {
                    versions.AddRange(batch.Where(e => e.GetProperty("albumId").GetGuid() == album).Select(e => e.GetProperty("version").GetInt64()));
                }
            });
            await hub.StartAsync();
            await hub.InvokeAsync("SubscribeAlbum", album);
            watchers.Add(($"{node.Name}#{index}", versions, hub));
        }

        await using var both = new ReadyWebNodes([web1.Address!, web2.Address!]);
        var load = new StorefrontLoad(both, [album], releaseShare: 0, orderShare: 0);
        using var stop = new CancellationTokenSource();
        var reserving = load.RunAsync(4, stop.Token);
        while (load.Reservations.Count < Changes)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await reserving;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var results = new List<string>();
        foreach (var (node, versions, hub) in watchers)
        {
            await hub.DisposeAsync();
            var first = versions.Min();
            var last = versions.Max();
            var duplicates = versions.Count - versions.Distinct().Count();
            var missing = (last - first + 1) - versions.Distinct().Count();
            results.Add(FormattableString.Invariant($"{node}: {versions.Count} events, versions {first}-{last}, {duplicates} twice, {(missing == 0 ? "none missing" : FormattableString.Invariant($"{missing} MISSING"))}"));
        }

        return FormattableString.Invariant($"{load.Reservations.Count} reservations of one album sent to both nodes, two SignalR clients on each: ") + string.Join("; ", results) + ".";
    }

    private static async Task<IReadOnlyList<Guid>> CreateAlbumsAsync(FaultCluster cluster, FaultCluster.Member web)
    {
        using var http = new HttpClient { BaseAddress = web.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await cluster.StaffTokenAsync(web, CancellationToken.None));
        var staff = new MistyClient(http);
        var albums = new List<Guid>();
        for (var i = 0; i < Albums; i++)
        {
            var album = await staff.CreateAlbumAsync(BenchmarkAlbums.Request($"FAULT-{i:D3}-{Guid.NewGuid().ToString("N")[..6]}", $"Fault Line {i}", "The Chaos Monkeys"));
            await staff.RestockAlbumAsync(album.AlbumId, new RestockRequest { Quantity = Stock });
            albums.Add(album.AlbumId);
        }

        return albums;
    }

    private static string? Option(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
