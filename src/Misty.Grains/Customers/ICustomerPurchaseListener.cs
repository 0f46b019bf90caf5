namespace Misty.Grains.Customers;

/// <summary>
/// Told by a customer's grain once a paid order is stored, e.g. to redo the customer's recommendations. It must
/// return at once (queue the work): it runs inside the grain's turn.
/// </summary>
public interface ICustomerPurchaseListener
{
    void Purchased(Guid customerId, IReadOnlyCollection<Guid> albumIds);
}
