namespace Misty.Grains.Customers;

/// <summary>The embedded in-memory mode has no rows: customers live in their grains only, and no album exists to review.</summary>
public sealed class EmbeddedCustomerStore : ICustomerStore
{
    public Task<CustomerState?> LoadCustomerAsync(Guid customerId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<CustomerState?>(null);

    public Task<Guid?> FindCustomerByEmailAsync(string email, CancellationToken cancellationToken) => Task.FromResult<Guid?>(null);

    public Task<bool> AlbumExistsAsync(Guid albumId, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task ProjectAsync(Guid customerId, CustomerState customer, bool overwrite, CancellationToken cancellationToken) => Task.CompletedTask;
}
