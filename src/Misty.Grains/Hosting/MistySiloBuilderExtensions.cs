using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Misty.Grains.Audit;
using Misty.Grains.Cases;
using Misty.Grains.Customers;
using Misty.Grains.Dashboard;
using Misty.Grains.Insights;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Inventory;
using Misty.Grains.Orders;
using Misty.Grains.Projections;
using Misty.Grains.Recommendations;
using Misty.Grains.Reservations;
using Misty.Grains.Workflows;
using Misty.Persistence;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Misty.Grains.Hosting;

public static class MistySiloBuilderExtensions
{
    /// <summary>The grain storage that Orleans' stream pub/sub keeps subscriptions in.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>
    /// Joins the Misty cluster: ADO.NET clustering, grain storage and reminders on PostgreSQL, Orleans memory streams,
    /// and every feature's grains, stores and rules.
    /// </summary>
    public static ISiloBuilder UseMisty(this ISiloBuilder silo, MistyOptions options, NpgsqlDataSource database)
    {
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        // Every storefront reservation is a grain of its own, and the directory cache keeps the address of each grain
        // this silo has called until it holds Orleans' default of a million (about 270 bytes each), nearly all of
        // reservations long gone. This still covers the grains that are live at once.
        silo.Configure<GrainDirectoryOptions>(directory => directory.CacheSize = 100_000);
        silo.ConfigureEndpoints(options.AdvertisedAddress, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
        silo.UseMistyStorage(database);
        silo.UseMistyStreams();
        silo.ConfigureMistyCluster(options);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<IAuditLog>(services => ActivatorUtilities.CreateInstance<PostgresAuditLog>(services, database));
        silo.Services.AddSingleton(new StoredGrainKeys(database));
        silo.Services.AddDashboardMetrics(database);
        silo.AddMistyInventory(database);
        silo.AddMistyReservations();
        silo.AddMistyCustomers(database);
        silo.AddMistyOrders(database);
        silo.AddMistyCases(database);
        silo.AddMistyWorkflows(database);
        silo.AddMistyRecommendations(database);
        silo.AddMistyInsights(database);
        return silo;
    }

    private static void UseMistyStorage(this ISiloBuilder silo, NpgsqlDataSource database)
    {
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
        // The hot states (inventory, reservations): same table and SQL, but many grains' writes per transaction.
        silo.Services.AddGrainStorage(BatchedGrainStorage.Name, (services, _) => new BatchedGrainStorage(
            database, new JsonStateSerializer(), services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        silo.UseAdoNetReminderService(reminders =>
        {
            reminders.Invariant = MistyDatabase.Invariant;
            reminders.DataSource = database;
        });

        // Grain state keeps Orleans' default JSON storage serializer, so orleansstorage rows can be read with SQL.
        // Newtonsoft's default fills a property's existing object when reading: a state whose default is a shared
        // instance (such as TriggerConfig.None) would have that instance overwritten for everyone. Orleans also writes
        // a type name and a reference id into every object; states are plain trees, so type names are kept only where
        // the declared type does not say it, which makes busy states much smaller. Old rows still read.
        silo.Services.Configure<OrleansJsonSerializerOptions>(json =>
        {
            json.JsonSerializerSettings.ObjectCreationHandling = Newtonsoft.Json.ObjectCreationHandling.Replace;
            json.JsonSerializerSettings.TypeNameHandling = Newtonsoft.Json.TypeNameHandling.Auto;
            json.JsonSerializerSettings.PreserveReferencesHandling = Newtonsoft.Json.PreserveReferencesHandling.None;
        });
        // After Orleans has set its own binder, which the wrapper then asks for every name.
        silo.Services.PostConfigure<OrleansJsonSerializerOptions>(json => json.JsonSerializerSettings.SerializationBinder =
            new StorageTypeBinder(json.JsonSerializerSettings.SerializationBinder ?? new Newtonsoft.Json.Serialization.DefaultSerializationBinder()));
    }

    private static void UseMistyStreams(this ISiloBuilder silo)
    {
        // Dashboards are live: look for new events every 10 ms (Orleans' default is 100 ms) and hand a consumer up to 64
        // of a stream's events per call, so a busy stream is not delivered one event per round trip.
        silo.AddMemoryStreams(MistyStreams.Provider, streams =>
        {
            streams.ConfigurePullingAgent(agent => agent.Configure(pulling =>
            {
                pulling.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(10);
                pulling.BatchContainerBatchSize = 64;
            }));
            // Nobody rewinds these streams (a subscriber that misses events sees the version gap and re-reads a
            // snapshot), so delivered events need not stay cached for Orleans' default 5 to 30 minutes: at a few
            // thousand stock events a second that cache alone would hold hundreds of thousands of them.
            streams.ConfigureCacheEviction(eviction => eviction.Configure(cache =>
            {
                cache.DataMinTimeInCache = TimeSpan.FromSeconds(10);
                cache.DataMaxAgeInCache = TimeSpan.FromMinutes(1);
                cache.MetadataMinTimeInCache = TimeSpan.FromMinutes(1);
            }));
        });
    }
}
