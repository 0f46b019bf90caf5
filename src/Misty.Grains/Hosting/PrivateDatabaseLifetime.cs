using Microsoft.Extensions.Hosting;
using Misty.Persistence.Local;

namespace Misty.Grains.Hosting;

/// <summary>Stops the private database with the host, if this process started it.</summary>
public sealed class PrivateDatabaseLifetime(PrivateDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await database.DisposeAsync();
}
