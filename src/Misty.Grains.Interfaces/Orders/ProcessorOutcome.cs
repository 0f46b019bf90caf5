namespace Misty.Grains.Interfaces.Orders;

/// <summary>What a payment processor reported later, through its webhook, about one of an order's payments.</summary>
[GenerateSerializer, Alias("Misty.ProcessorOutcome")]
public enum ProcessorOutcome
{
    Succeeded,
    Failed,
    /// <summary>Refunded at the processor (e.g. from its dashboard), not through Misty.</summary>
    Refunded,
}
