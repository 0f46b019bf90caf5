using System.CommandLine;
using Microsoft.Extensions.Logging;
using Misty.Persistence;

namespace Misty.Silo.Commands;

internal static class MigrateCommand
{
    public static Command Create()
    {
        return DatabaseCommand.Create("migrate", "Applies the pending schema migrations (Orleans tables and the relational schema). Safe to run twice or concurrently.", async (_, connectionString, cancellationToken) =>
        {
            // DbUp narrates every step at Information; the summary below says what matters.
            using var logging = LoggerFactory.Create(log => log.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            var result = await new MistyMigrator(connectionString, logging.CreateLogger("migrate")).MigrateAsync(cancellationToken);
            Console.WriteLine(result.Applied.Count == 0
                ? "Schema is up to date; nothing to apply."
                : $"Applied {result.Applied.Count} migration(s): {string.Join(", ", result.Applied)}");
            return 0;
        });
    }
}
