using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Misty.Benchmarks.Reservations;

/// <summary>CPU seconds per party and PostgreSQL's commit and WAL flush counters at one moment.</summary>
public sealed record ResourceSnapshot(
    long At, double ServiceCpu, double PostgresCpu, double GeneratorCpu, double MachineBusy, double MachineStolen, long Commits, long WalSyncs);

/// <summary>
/// What a measured window cost: CPU in cores (1.0 = one core busy throughout) and PostgreSQL rates. Stolen is the time
/// the hypervisor ran something else while this virtual machine had work: on a shared host, cores it did not get.
/// </summary>
public sealed record ResourceUsage(
    double ServiceCores, double PostgresCores, double GeneratorCores, double OtherCores, double StolenCores, double CommitsPerSecond, double WalSyncsPerSecond)
{
    public static ResourceUsage Between(ResourceSnapshot before, ResourceSnapshot after)
    {
        var seconds = Stopwatch.GetElapsedTime(before.At, after.At).TotalSeconds;
        var service = (after.ServiceCpu - before.ServiceCpu) / seconds;
        var postgres = (after.PostgresCpu - before.PostgresCpu) / seconds;
        var generator = (after.GeneratorCpu - before.GeneratorCpu) / seconds;
        var machine = (after.MachineBusy - before.MachineBusy) / seconds;
        return new ResourceUsage(
            service, postgres, generator, Math.Max(0, machine - service - postgres - generator),
            (after.MachineStolen - before.MachineStolen) / seconds,
            (after.Commits - before.Commits) / seconds, (after.WalSyncs - before.WalSyncs) / seconds);
    }

    /// <summary>The mean of equally long windows.</summary>
    public static ResourceUsage Average(IReadOnlyList<ResourceUsage> usages) => new(
        usages.Average(u => u.ServiceCores),
        usages.Average(u => u.PostgresCores),
        usages.Average(u => u.GeneratorCores),
        usages.Average(u => u.OtherCores),
        usages.Average(u => u.StolenCores),
        usages.Average(u => u.CommitsPerSecond),
        usages.Average(u => u.WalSyncsPerSecond));
}

/// <summary>
/// Reads CPU time from Linux's /proc for the service, the PostgreSQL server with all its backends, this process and
/// the whole machine (so CPU taken by anything else running meanwhile shows up too).
/// </summary>
public sealed class ResourceMeter(int servicePid, int postmasterPid, NpgsqlDataSource database, string databaseName)
{
    // /proc counts CPU time in USER_HZ ticks, which Linux fixes at 100 per second for user space.
    private const double TicksPerSecond = 100;

    public async Task<ResourceSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var (commits, walSyncs) = await PostgresCountersAsync(cancellationToken);
        return new ResourceSnapshot(
            Stopwatch.GetTimestamp(),
            ProcessCpu(servicePid),
            PostgresCpu(),
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            MachineBusy(),
            MachineStolen(),
            commits,
            walSyncs);
    }

    private async Task<(long Commits, long WalSyncs)> PostgresCountersAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = $1), (SELECT wal_sync FROM pg_stat_wal)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = databaseName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The postmaster's own time, its reaped children's, and every live backend's.</summary>
    private double PostgresCpu()
    {
        var total = StatFields(postmasterPid) is { } postmaster ? Ticks(postmaster, includeChildren: true) : 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && StatFields(pid) is { } fields && Field(fields, 4) == postmasterPid)
            {
                total += Ticks(fields, includeChildren: false);
            }
        }

        return total / TicksPerSecond;
    }

    private static double ProcessCpu(int pid) => StatFields(pid) is { } fields ? Ticks(fields, includeChildren: true) / TicksPerSecond : 0;

    /// <summary>CPU time this machine used (idle, I/O wait and steal left out).</summary>
    private static double MachineBusy()
    {
        var values = MachineTicks();
        return (values.Sum() - values[3] - values[4] - values[7]) / TicksPerSecond;
    }

    private static double MachineStolen() => MachineTicks()[7] / TicksPerSecond;

    // cpu  user nice system idle iowait irq softirq steal
    private static long[] MachineTicks() =>
        [.. File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(value => long.Parse(value, CultureInfo.InvariantCulture))];

    // utime, stime, cutime, cstime are fields 14 to 17 of /proc/<pid>/stat.
    private static long Ticks(string[] fields, bool includeChildren) =>
        Field(fields, 14) + Field(fields, 15) + (includeChildren ? Field(fields, 16) + Field(fields, 17) : 0);

    /// <summary>The fields after the command name (which may hold spaces), so field n (1-based) is at n - 3.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // The process ended between listing and reading.
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Field(string[] fields, int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
}
