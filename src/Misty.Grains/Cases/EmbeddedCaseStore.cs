using Misty.Grains.Cases.Triage;

namespace Misty.Grains.Cases;

/// <summary>
/// The embedded in-memory mode has no rows: every customer is accepted (with no orders), anyone may be assigned by
/// hand, nobody is assigned automatically, and nothing is projected. Its single silo numbers cases itself.
/// </summary>
public sealed class EmbeddedCaseStore : ICaseStore
{
    private long _lastNumber;

    public Task<StoredCase?> LoadAsync(Guid caseId, CancellationToken cancellationToken) => Task.FromResult<StoredCase?>(null);

    public Task<string> NextCaseNumberAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(CaseNumbers.Format(now, Interlocked.Increment(ref _lastNumber)));

    public Task<CustomerContext?> LoadCustomerAsync(Guid customerId, CancellationToken cancellationToken) =>
        Task.FromResult<CustomerContext?>(CustomerContext.Unknown);

    public Task<bool> IsAssignableAsync(Guid userId, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<StaffWorkload> LoadWorkloadAsync(IReadOnlyCollection<Guid> caseIds, int defaultCapacity, CancellationToken cancellationToken) =>
        Task.FromResult(new StaffWorkload([], new Dictionary<Guid, CaseLoad>()));

    public Task ProjectAsync(CaseProjection projection, bool overwrite, CancellationToken cancellationToken) => Task.CompletedTask;
}
