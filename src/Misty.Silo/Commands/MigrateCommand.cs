using System.CommandLine;
using Microsoft.Extensions.Logging;
using Misty.Persistence;

namespace Misty.Silo.Commands;

internal static class MigrateCommand
{
    public static Command Create()
    {
        var connection = ConnectionOption.Create();
        var command = new Command("migrate", "Applies the pending schema migrations (Orleans tables and the relational schema). Safe to run twice or concurrently.")
        {
            connection,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var target = await ConnectionOption.OpenAsync(parse, connection, cancellationToken);
            if (target is null)
            {
                return 2;
            }

            var connectionString = target.ConnectionString;

            // DbUp narrates every step at Information; the summary below says what matters.
            using var logging = LoggerFactory.Create(log => log.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            var result = await new MistyMigrator(connectionString, logging.CreateLogger("migrate")).MigrateAsync(cancellationToken);
            Console.WriteLine(result.Applied.Count == 0
                ? "Schema is up to date; nothing to apply."
                : $"Applied {result.Applied.Count} migration(s): {string.Join(", ", result.Applied)}");
            return 0;
        });
        return command;
    }
}
