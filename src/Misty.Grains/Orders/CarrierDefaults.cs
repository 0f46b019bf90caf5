namespace Misty.Grains.Orders;

/// <summary>Transit times to assume for a carrier with no delivered shipments to average over yet.</summary>
public static class CarrierDefaults
{
    public static readonly TimeSpan Unknown = TimeSpan.FromDays(4);

    private static readonly Dictionary<string, TimeSpan> Published = new(StringComparer.OrdinalIgnoreCase)
    {
        ["USPS"] = TimeSpan.FromDays(4),
        ["UPS"] = TimeSpan.FromDays(3),
        ["FedEx"] = TimeSpan.FromDays(2.5),
        ["DHL"] = TimeSpan.FromDays(5),
    };

    /// <summary>The carrier's average transit over its delivered shipments, or its published one when it has none yet.</summary>
    public static async Task<TimeSpan> TransitAsync(this IOrderStore store, string? carrier) =>
        (carrier is null ? null : await store.AverageTransitAsync(carrier, CancellationToken.None)) ?? Transit(carrier);

    public static TimeSpan Transit(string? carrier) => carrier is not null && Published.TryGetValue(carrier, out var transit) ? transit : Unknown;
}
