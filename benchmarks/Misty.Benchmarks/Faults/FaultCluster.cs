using System.Globalization;
using Misty.Benchmarks.Reservations;
using Misty.Client;
using Npgsql;

namespace Misty.Benchmarks.Faults;

/// <summary>
/// One durable PostgreSQL and a Misty cluster of processes on loopback: Misty.Web nodes (each with its co-hosted silo)
/// and headless Misty.Silo processes, each of which can be killed, stopped gracefully or started again.
/// </summary>
internal sealed class FaultCluster(DurablePostgres postgres, string repositoryRoot, string logDirectory) : IAsyncDisposable
{
    public const string Database = "misty";
    public const string StorefrontKey = "msk_faults_benchmark_key";
    public const string AdminEmail = "faults@misty.local";
    public readonly string AdminPassword = "faults-" + Guid.NewGuid().ToString("N");
    private int _starts;

    public DurablePostgres Postgres { get; } = postgres;

    public List<Member> Members { get; } = [];

    /// <summary>One key-encryption key for the cluster: every web node reads the key ring the others wrote.</summary>
    private readonly string _keyRingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public IEnumerable<Member> Webs => Members.Where(member => member.IsWeb);

    public Member AddMember(string name, bool isWeb)
    {
        var member = new Member(name, isWeb, Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort());
        Members.Add(member);
        return member;
    }

    /// <summary>Starts the member's process and waits until its /health/ready answers 200 and the table lists one more active silo.</summary>
    public async Task StartAsync(Member member, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            ["MISTY_DB"] = Postgres.ConnectionString(Database),
            ["MISTY_SILO_PORT"] = member.SiloPort.ToString(CultureInfo.InvariantCulture),
            ["MISTY_GATEWAY_PORT"] = member.GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["MISTY_ADMIN_EMAIL"] = AdminEmail,
            ["MISTY_ADMIN_PASSWORD"] = AdminPassword,
            ["MISTY_STOREFRONT_KEY"] = StorefrontKey,
            ["MISTY_STOREFRONT_RATE_LIMIT"] = "1000000",
            ["MISTY_KEYRING_KEY"] = _keyRingKey,
            // Payments are not what this measures: no simulated declines, and a short simulated processor latency.
            ["Misty__Payments__DeclineRate"] = "0",
            ["Misty__Payments__Latency"] = "00:00:00.010",
            ["DOTNET_TC_CallCountingDelayMs"] = "0",
        };
        var log = Path.Combine(logDirectory, $"{member.Name}-{++_starts}.log");
        var activeBefore = await ActiveSilosAsync(cancellationToken);
        if (member.IsWeb)
        {
            environment["MISTY_URLS"] = member.Address.ToString().TrimEnd('/');
            member.Process = await ServiceProcess.StartAsync(Path.Combine(repositoryRoot, "src/Misty.Web/bin/Release/net10.0/Misty.Web.dll"),
                ["--contentRoot", Path.Combine(repositoryRoot, "src/Misty.Web")], repositoryRoot, environment, member.Address, log, cancellationToken);
        }
        else
        {
            // A headless silo's own listener: /health/ready (its silo active, the database reachable) and /metrics.
            environment["MISTY_METRICS_URL"] = member.Address.ToString().TrimEnd('/');
            member.Process = await ServiceProcess.StartAsync(Path.Combine(repositoryRoot, "src/Misty.Silo/bin/Release/net10.0/Misty.Silo.dll"),
                ["run"], repositoryRoot, environment, member.Address, log, cancellationToken);
        }

        while (await ActiveSilosAsync(cancellationToken) <= activeBefore && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>kill -9: nothing the process had not stored survives.</summary>
    public void Kill(Member member)
    {
        member.Process?.Dispose();
        member.Process = null;
    }

    /// <summary>SIGTERM and wait: the silo hands its grains over and leaves the cluster.</summary>
    public async Task<bool> StopGracefullyAsync(Member member)
    {
        var drained = await member.Process!.TerminateAsync(TimeSpan.FromSeconds(60));
        member.Process.Dispose();
        member.Process = null;
        return drained;
    }

    /// <summary>Silos the membership table lists as active (status 3) for the default cluster id.</summary>
    public async Task<int> ActiveSilosAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Postgres.ConnectionString(Database));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE status = 3", connection);
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    public async Task<string> StaffTokenAsync(Member web, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = web.Address };
        return (await new MistyClient(http).LoginAsync(new LoginRequest { Email = AdminEmail, Password = AdminPassword }, cancellationToken)).AccessToken;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var member in Members)
        {
            Kill(member);
        }

        return ValueTask.CompletedTask;
    }

    internal sealed class Member(string name, bool isWeb, int siloPort, int gatewayPort, int httpPort)
    {
        public string Name { get; } = name;
        public bool IsWeb { get; } = isWeb;
        public int SiloPort { get; } = siloPort;
        public int GatewayPort { get; } = gatewayPort;
        /// <summary>A web node's API, or a headless silo's health and metrics listener.</summary>
        public Uri Address { get; } = new($"http://127.0.0.1:{httpPort}/");
        public ServiceProcess? Process { get; set; }
    }
}
