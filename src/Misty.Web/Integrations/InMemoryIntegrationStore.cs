namespace Misty.Web.Integrations;

/// <summary>The embedded mode's integrations: gone when the process stops.</summary>
public sealed class InMemoryIntegrationStore(TimeProvider clock) : IIntegrationStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, IntegrationRecord> _integrations = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<IntegrationRecord>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<IntegrationRecord>>([.. _integrations.Values]);
        }
    }

    public Task<IntegrationRecord?> FindAsync(string serviceName, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_integrations.GetValueOrDefault(serviceName));
        }
    }

    public Task<(IntegrationRecord Record, bool Created)> UpsertAsync(IntegrationUpdate update, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var existing = _integrations.GetValueOrDefault(update.ServiceName);
            var record = new IntegrationRecord(existing?.IntegrationId ?? Guid.NewGuid(), update.ServiceName, update.Category, update.Connected,
                update.SettingsJson, update.Credentials ?? existing?.Credentials ?? StoredCredentials.None, existing?.LastSync,
                existing?.CreatedAt ?? now, now);
            _integrations[update.ServiceName] = record;
            return Task.FromResult((record, existing is null));
        }
    }
}
