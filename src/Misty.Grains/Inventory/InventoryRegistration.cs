using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Projections;
using Npgsql;

namespace Misty.Grains.Inventory;

public static class InventoryRegistration
{
    /// <summary>Live stock on a silo: its settings, the ledger and inventory rows, and the projection rebuilder.</summary>
    public static ISiloBuilder AddMistyInventory(this ISiloBuilder silo, NpgsqlDataSource database)
    {
        silo.Services.AddOptions<InventoryOptions>().BindConfiguration(InventoryOptions.Section);
        silo.Services.AddSingleton<IInventoryStore>(new PostgresInventoryStore(database));
        silo.Services.AddProjectionRebuilder("inventory",
            new ProjectedGrainKind(InventoryGrain.StateName, (grains, album) => grains.GetGrain<IInventoryGrain>(album).RebuildProjectionAsync()));
        return silo;
    }
}
