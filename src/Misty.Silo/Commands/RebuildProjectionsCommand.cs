using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Misty.Grains.Hosting;
using Misty.Grains.Projections;
using Misty.Persistence;

namespace Misty.Silo.Commands;

/// <summary>
/// Rewrites the relational projections (inventory rows, ...) from the grains' stored state. It joins the cluster as
/// a short-lived silo, so grains that are live elsewhere answer from where they are and nothing is written twice.
/// </summary>
internal static class RebuildProjectionsCommand
{
    public static Command Create()
    {
        return DatabaseCommand.Create("rebuild-projections", "Rebuilds the relational rows that mirror grain state (inventory, ...) from the stored grain state.", async (_, connectionString, cancellationToken) =>
        {
            var builder = Host.CreateApplicationBuilder();
            // Its own free ports, so it can join a cluster that already runs on this machine.
            var options = MistyOptions.FromConfiguration(builder.Configuration) with
            {
                Database = connectionString,
                SiloPort = LoopbackPorts.Free(),
                GatewayPort = LoopbackPorts.Free(),
            };
            await using var database = MistyDatabase.CreateDataSource(connectionString);
            using var host = RunCommand.BuildSilo(builder, options, database);
            await host.StartAsync(cancellationToken);
            try
            {
                foreach (var rebuilder in host.Services.GetServices<IProjectionRebuilder>())
                {
                    var count = await rebuilder.RebuildAsync(cancellationToken);
                    Console.WriteLine($"{rebuilder.Name}: rebuilt {count} from grain state.");
                }
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }

            return 0;
        });
    }

}
