using Microsoft.Extensions.DependencyInjection;
using Misty.Persistence;
using Orleans.Storage;

namespace Misty.Grains.Reservations;

public static class ReservationRegistration
{
    /// <summary>Reservations on a silo: the desk that reads their records from the batched storage they are kept in.</summary>
    public static ISiloBuilder AddMistyReservations(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton(services => new ReservationDesk(services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredKeyedService<IGrainStorage>(BatchedGrainStorage.Name)));
        return silo;
    }
}
