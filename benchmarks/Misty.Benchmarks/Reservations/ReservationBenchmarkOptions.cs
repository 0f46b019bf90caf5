using System.Globalization;

namespace Misty.Benchmarks.Reservations;

/// <summary>The command line of the <c>reservations</c> mode.</summary>
public sealed record ReservationBenchmarkOptions(
    int Seconds, int WarmupSeconds, int Rounds, int Connections, int UniformAlbums, bool Build, IReadOnlyList<string> Systems, string? Markdown, bool Statements, bool Flash = false, int MemoryHolds = 0)
{
    public const string Usage = """
        reservations [--seconds 20] [--warmup 5] [--rounds 1] [--connections 64] [--albums 1000] [--only baseline|misty] [--no-build]
                     [--markdown <file>] [--statements] [--flash] [--holds <n>]

        Starts a throwaway durable PostgreSQL 15, the baseline and Misty.Web (Release builds), and drives
        POST /api/reservations over loopback with closed-loop connections: one hot album, then uniform load over
        --albums albums. Every successful reservation is released again (DELETE), so stock stays bounded.
        Both systems stay up; each round measures every scenario on each of them in turn, the first system
        alternating between rounds, and the figures pool all rounds (more rounds: less weight on a noisy moment).
        --markdown writes the results as the "## Reservations (flash sale)" section of that file.
        --statements also prints each window's most frequent SQL statements per reservation (pg_stat_statements).
        --flash runs "flash sale, holds kept" instead: one album, reserve only for --seconds (60 for the issue), per 10 s
        window, then (Misty) holds of ttlSeconds 30 kept 60 s and watched until every unit is back; written as the
        "## Reservations: flash sale, holds kept" section.
        --holds N (Misty only) reserves on one fresh album until N holds are open and reports Misty.Web's resident
        memory idle and then, as the "## Reservations: flash sale memory" section.
        """;

    public static readonly IReadOnlyList<string> AllSystems = ["baseline", "misty"];

    /// <summary>The options, or null when <paramref name="args"/> asked for help.</summary>
    public static ReservationBenchmarkOptions? Parse(IReadOnlyList<string> args)
    {
        var options = new ReservationBenchmarkOptions(20, 5, 1, 64, 1000, true, AllSystems, null, false);
        for (var i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--help" or "-h" => null,
                "--seconds" => options with { Seconds = PositiveInt(args, ++i) },
                "--warmup" => options with { WarmupSeconds = PositiveInt(args, ++i) },
                "--rounds" => options with { Rounds = PositiveInt(args, ++i) },
                "--connections" => options with { Connections = PositiveInt(args, ++i) },
                "--albums" => options with { UniformAlbums = PositiveInt(args, ++i) },
                "--no-build" => options with { Build = false },
                "--statements" => options with { Statements = true },
                "--flash" => options with { Flash = true },
                "--holds" => options with { MemoryHolds = PositiveInt(args, ++i), Systems = ["misty"] },
                "--only" => options with { Systems = [OneSystem(args, ++i)] },
                "--markdown" => options with { Markdown = Value(args, ++i) },
                var unknown => throw new ArgumentException($"Unknown option '{unknown}'.\n\n{Usage}"),
            };
            if (options is null)
            {
                return null;
            }
        }

        return options;
    }

    private static int PositiveInt(IReadOnlyList<string> args, int index) =>
        index < args.Count && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{args[index - 1]} needs a positive whole number.");

    private static string Value(IReadOnlyList<string> args, int index) =>
        index < args.Count ? args[index] : throw new ArgumentException($"{args[index - 1]} needs a value.");

    private static string OneSystem(IReadOnlyList<string> args, int index) =>
        index < args.Count && AllSystems.Contains(args[index])
            ? args[index]
            : throw new ArgumentException($"--only needs one of: {string.Join(", ", AllSystems)}.");
}
