using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Reservations;
using Misty.Persistence;
using Misty.Tests.Infrastructure;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Misty.Tests.Operations;

/// <summary>A silo of three dies without warning: the others notice within 10 s and its grains come back elsewhere.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SiloFailoverTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_killed_silo_is_declared_dead_within_10_s_and_its_album_comes_back_elsewhere_with_every_acknowledged_hold()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var database = MistyDatabase.CreateDataSource(connectionString);
        var album = await TestAlbums.InsertAsync(connectionString, quantity: 30);
        await using var cluster = await PostgresCluster.StartAsync(database, connectionString, silos: 3);
        var requests = Enumerable.Range(0, 10).Select(i => (Id: Guid.NewGuid(),
            Request: new ReservationRequest([new ReservationLine(album, 1)], TimeSpan.FromMinutes(15), "key:failover", $"hash-{i}"))).ToList();
        var outcomes = await Task.WhenAll(requests.Select(r => cluster.Client.GetGrain<IReservationGrain>(r.Id).CreateAsync(r.Request)));
        Assert.All(outcomes, outcome => Assert.Equal(ReservationResult.Ok, outcome.Result));

        var inventory = cluster.Client.GetGrain<IInventoryGrain>(album);
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var home = await management.GetActivationAddress(inventory);
        var victim = cluster.Silos.Single(silo => silo.SiloAddress.Equals(home));
        var survivor = cluster.Silos.First(silo => silo != victim);
        var membership = survivor.SiloHost.Services.GetRequiredService<IClusterMembershipService>();

        var sinceKill = Stopwatch.StartNew();
        await cluster.KillSiloAsync(victim);
        while (membership.CurrentSnapshot.GetSiloStatus(victim.SiloAddress) != SiloStatus.Dead && sinceKill.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        var noticedAfter = sinceKill.Elapsed;
        output.WriteLine($"Declared dead after {noticedAfter.TotalSeconds:F1} s");
        Assert.Equal(SiloStatus.Dead, membership.CurrentSnapshot.GetSiloStatus(victim.SiloAddress));
        Assert.True(noticedAfter < TimeSpan.FromSeconds(10), $"The dead silo was noticed after {noticedAfter}.");

        // The album activates on a survivor from what was stored: every acknowledged hold, none twice after retries.
        Assert.Equal(10, (await inventory.GetAsync())!.Reserved);
        var newHome = await management.GetActivationAddress(inventory);
        Assert.NotNull(newHome);
        Assert.NotEqual(victim.SiloAddress, newHome);
        var retries = await Task.WhenAll(requests.Select(r => cluster.Client.GetGrain<IReservationGrain>(r.Id).CreateAsync(r.Request)));
        Assert.All(retries, retry => Assert.Equal((ReservationResult.Ok, ReservationStatus.Held), (retry.Result, retry.Reservation!.Status)));
        var after = (await inventory.GetAsync())!;
        Assert.Equal((10, 20), (after.Reserved, after.Available));
    }
}
