namespace Misty.Grains.Interfaces.Customers;

/// <summary>
/// Who owns an email address (key: the address in lower case): customers.email is unique, and this grain is where
/// that is decided, before any customer is stored.
/// </summary>
[Alias("Misty.ICustomerEmailGrain")]
public interface ICustomerEmailGrain : IGrainWithStringKey
{
    /// <summary>Gives the address to <paramref name="customerId"/> unless another customer has it.</summary>
    /// <returns>The owner: <paramref name="customerId"/> when the claim succeeded, the earlier owner otherwise.</returns>
    [Alias("Claim")]
    Task<Guid> ClaimAsync(Guid customerId);
}
