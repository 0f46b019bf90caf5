using System.Globalization;

namespace Misty.Benchmarks.Dashboard;

public sealed record DashboardBenchmarkOptions(
    int Clients, int Rate, int Seconds, int WarmupSeconds, int MaxClients, bool Capacity, bool Build, string? Markdown)
{
    public const string Usage = """
        dashboard: end-to-end latency from the restock API's answer to the StockChanged event's arrival at SignalR
        clients, with every client following every album that changes, on one Misty.Web node and a throwaway PostgreSQL.

          --clients N       connected clients (default 100)
          --rate N          stock changes per second, as POST /api/inventory/{id}/restock (default 1000)
          --seconds N       measured seconds per scenario (default 20)
          --warmup N        warm-up seconds per scenario (default 5)
          --no-capacity     skip the search for the most clients one node serves with p99 <= 250 ms
          --max-clients N   where that search stops (default 3200)
          --no-build        use the existing Release build of Misty.Web
          --markdown FILE   write the figures under "## Dashboard latency" in FILE (e.g. docs/benchmarks.md)
        """;

    /// <returns>The options, or null when help was asked for.</returns>
    public static DashboardBenchmarkOptions? Parse(IReadOnlyList<string> args)
    {
        var options = new DashboardBenchmarkOptions(100, 1_000, 20, 5, 3_200, Capacity: true, Build: true, Markdown: null);
        for (var i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--help" or "-h" => null,
                "--clients" => options with { Clients = Number(args, ++i) },
                "--rate" => options with { Rate = Number(args, ++i) },
                "--seconds" => options with { Seconds = Number(args, ++i) },
                "--warmup" => options with { WarmupSeconds = Number(args, ++i) },
                "--max-clients" => options with { MaxClients = Number(args, ++i) },
                "--no-capacity" => options with { Capacity = false },
                "--no-build" => options with { Build = false },
                "--markdown" => options with { Markdown = i + 1 < args.Count ? args[++i] : throw new ArgumentException("--markdown needs a file.") },
                _ => throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}"),
            };
            if (options is null)
            {
                return null;
            }
        }

        return options;
    }

    private static int Number(IReadOnlyList<string> args, int i) =>
        i < args.Count && int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{args[i - 1]} needs a whole number above 0.");
}
