using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Misty.Grains.Hosting;
using Misty.Grains.Orders.Payments;
using Misty.Grains.Telemetry;
using Misty.Persistence;
using Misty.Persistence.Local;
using Npgsql;

namespace Misty.Silo.Commands;

/// <summary>The headless silo: the same cluster member as Misty.Web, without HTTP, for adding grain capacity.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Runs a headless silo that joins the cluster named by MISTY_DB, MISTY_CLUSTER_ID and the silo ports (the default verb).");
        command.SetAction((_, cancellationToken) => RunAsync([], cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(args);
        MistyOptions options;
        Uri? listen;
        try
        {
            options = MistyOptions.FromConfiguration(builder.Configuration);
            listen = SiloEndpoints.ListenUri(builder.Configuration);
        }
        catch (MistyConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"Misty.Silo cannot start: {ex.Message}");
            return 2;
        }

        PrivateDatabase? privateDatabase;
        try
        {
            (options, privateDatabase) = await options.WithDatabaseAsync(cancellationToken);
        }
        catch (MistyConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"Misty.Silo cannot start: {ex.Message}");
            return 2;
        }

        await using (privateDatabase)
        {
            using (var logging = LoggerFactory.Create(log => log.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning)))
            {
                await new MistyMigrator(options.Database!, logging.CreateLogger("migrate")).MigrateAsync(cancellationToken);
            }

            await using var database = MistyDatabase.CreateDataSource(options.Database!);
            // With a listener, the host is a small web application; without, a plain host (no HTTP at all).
            using IHost host = listen is not null ? SiloEndpoints.Build(args, listen, options, database) : BuildSilo(builder, options, database);
            await host.RunAsync(cancellationToken);
        }

        return 0;
    }

    /// <summary>A host with one Misty cluster member, as every verb that needs grains builds it.</summary>
    public static IHost BuildSilo(HostApplicationBuilder builder, MistyOptions options, NpgsqlDataSource database)
    {
        builder.Services.AddMistyDatabase(database);
        builder.Services.UseRemotePayments();
        builder.Logging.AddMistyLogging(builder.Configuration);
        builder.Services.AddMistyTelemetry(builder.Configuration, "misty-silo");
        builder.UseOrleans(silo => silo.UseMisty(options, database));
        return builder.Build();
    }
}
