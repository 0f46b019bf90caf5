using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Misty.Grains.Hosting;
using Misty.Grains.Interfaces;
using Misty.Persistence;
using Npgsql;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Misty.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans test cluster configured exactly as Misty's silos are (ADO.NET clustering, storage and
/// reminders on PostgreSQL), with the client finding gateways through the same membership table.
/// </summary>
public static class PostgresCluster
{
    public static async Task<InProcessTestCluster> StartAsync(
        NpgsqlDataSource database, string connectionString, short silos = 1, string serviceId = "misty-test", Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = serviceId;
        UseRealMembership(builder.Options);
        var clusterId = builder.Options.ClusterId;
        builder.ConfigureSilo((siloOptions, silo) =>
        {
            silo.UseMisty(new MistyOptions
            {
                Database = connectionString,
                ClusterId = clusterId,
                ServiceId = serviceId,
                SiloPort = siloOptions.SiloPort,
                GatewayPort = siloOptions.GatewayPort,
            }, database);
            silo.Services.AddMistyDatabase(database);
            configure?.Invoke(silo);
        });
        builder.ConfigureClient(client =>
        {
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = clusterId;
                cluster.ServiceId = serviceId;
            });
            client.UseAdoNetClustering(clustering =>
            {
                clustering.Invariant = MistyDatabase.Invariant;
                clustering.DataSource = database;
            });
            // Tests subscribe to the grains' events from the client, as Misty.Web's forwarders do from a silo.
            client.AddMemoryStreams(MistyStreams.Provider);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The grain storage of the cluster's first silo, to read or change a grain's stored row behind its back.</summary>
    public static BatchedGrainStorage Storage(this InProcessTestCluster cluster)
    {
        var silo = ((InProcessSiloHandle)cluster.Silos[0]).ServiceProvider;
        return new BatchedGrainStorage(silo.GetRequiredService<NpgsqlDataSource>(), new JsonStateSerializer(),
            silo.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);
    }

    // InProcessTestClusterOptions.UseTestClusterMembership is internal in 10.4.2 and defaults to an in-memory
    // membership table, which would bypass the ADO.NET clustering these tests exist to exercise.
    private static void UseRealMembership(InProcessTestClusterOptions options) =>
        typeof(InProcessTestClusterOptions)
            .GetProperty("UseTestClusterMembership", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .SetValue(options, false);
}
