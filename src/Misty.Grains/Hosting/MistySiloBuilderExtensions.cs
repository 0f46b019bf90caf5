using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Misty.Grains.Interfaces;
using Misty.Grains.Inventory;
using Misty.Grains.Storage;
using Misty.Grains.Storage.Projections;
using Npgsql;
using Orleans.Configuration;

namespace Misty.Grains.Hosting;

public static class MistySiloBuilderExtensions
{
    /// <summary>The grain storage that Orleans' stream pub/sub keeps subscriptions in.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>
    /// Joins the Misty cluster: ADO.NET clustering, grain storage and reminders on PostgreSQL when a database is
    /// configured, an embedded single-node in-memory cluster when not. Streams are Orleans memory streams either way.
    /// </summary>
    /// <param name="database">The shared data source; null exactly when <paramref name="options"/> names no database.</param>
    public static ISiloBuilder UseMisty(this ISiloBuilder silo, MistyOptions options, NpgsqlDataSource? database)
    {
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });

        if (database is null)
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage(PubSubStore);
            silo.UseInMemoryReminderService();
        }
        else
        {
            silo.ConfigureEndpoints(options.AdvertisedAddress, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseAdoNetClustering(clustering =>
            {
                clustering.Invariant = MistyDatabase.Invariant;
                clustering.DataSource = database;
            });
            silo.AddAdoNetGrainStorageAsDefault(storage =>
            {
                storage.Invariant = MistyDatabase.Invariant;
                storage.DataSource = database;
            });
            silo.AddAdoNetGrainStorage(PubSubStore, storage =>
            {
                storage.Invariant = MistyDatabase.Invariant;
                storage.DataSource = database;
            });
            silo.UseAdoNetReminderService(reminders =>
            {
                reminders.Invariant = MistyDatabase.Invariant;
                reminders.DataSource = database;
            });
        }

        // Grain state keeps Orleans' default JSON storage serializer, so orleansstorage rows can be read with SQL.
        silo.AddMemoryStreams(MistyStreams.Provider);
        silo.Services.TryAddSingleton(TimeProvider.System);
        if (database is null)
        {
            silo.Services.AddSingleton<IInventoryStore, EmbeddedInventoryStore>();
        }
        else
        {
            silo.Services.AddSingleton<IInventoryStore>(new PostgresInventoryStore(database));
            silo.Services.AddSingleton(new StoredGrainKeys(database));
            silo.Services.AddSingleton<IProjectionRebuilder, InventoryProjectionRebuilder>();
        }

        return silo;
    }
}
