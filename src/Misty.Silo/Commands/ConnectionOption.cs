using System.CommandLine;

namespace Misty.Silo.Commands;

/// <summary>The --connection option shared by the verbs that talk to PostgreSQL; MISTY_DB is its default.</summary>
internal static class ConnectionOption
{
    public static Option<string?> Create() => new("--connection", "-c")
    {
        Description = "PostgreSQL connection string (default: the MISTY_DB environment variable).",
    };

    /// <summary>The connection string to use, or null after telling the user how to name one.</summary>
    public static string? Resolve(ParseResult parse, Option<string?> option)
    {
        var connection = parse.GetValue(option) ?? Environment.GetEnvironmentVariable("MISTY_DB");
        if (string.IsNullOrWhiteSpace(connection))
        {
            Console.Error.WriteLine("No database: pass --connection \"Host=...;Database=...\" or set MISTY_DB.");
            return null;
        }

        return connection;
    }
}
