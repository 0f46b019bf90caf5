namespace Misty.Grains.Customers;

/// <summary>
/// The relational side of customers: the rows a new grain starts from (seeded customers with their order history), who
/// owns an email, and where the grain's state is projected (customers, customer_segments, customer_interactions, reviews).
/// </summary>
public interface ICustomerStore
{
    /// <returns>The customer's rows as grain state (for customers that exist only as rows, e.g. seeded ones), or null.</returns>
    Task<CustomerState?> LoadCustomerAsync(Guid customerId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <returns>The customer whose row has this (lower-case) email, or null.</returns>
    Task<Guid?> FindCustomerByEmailAsync(string email, CancellationToken cancellationToken);

    Task<bool> AlbumExistsAsync(Guid albumId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the customer's rows as of <paramref name="customer"/>: the customers row (only forward in version unless
    /// <paramref name="overwrite"/>), the current segment, and the outboxes of interactions and reviews; idempotent.
    /// </summary>
    Task ProjectAsync(Guid customerId, CustomerState customer, bool overwrite, CancellationToken cancellationToken);
}
