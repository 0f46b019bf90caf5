namespace Misty.Grains.Interfaces.Orders;

/// <summary>
/// Which order a payment or shipment (key: payment_id or shipment_id) belongs to, so that the API can address them by
/// their own id. Linked, and stored, before the order stores the part, so every id an answer carries resolves.
/// </summary>
[Alias("Misty.IOrderPartGrain")]
public interface IOrderPartGrain : IGrainWithGuidKey
{
    /// <returns>The owning order, or null when the id is unknown.</returns>
    [Alias("GetOrder")]
    Task<Guid?> GetOrderAsync();

    [Alias("Link")]
    Task LinkAsync(Guid orderId);
}
