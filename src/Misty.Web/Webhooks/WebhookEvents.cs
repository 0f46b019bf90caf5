using System.Text.Json;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Interfaces.Workflows;

namespace Misty.Web.Webhooks;

/// <summary>A stream event as a webhook carries it: its stable id, type, entity, version and the event itself.</summary>
public sealed record WebhookEvent(Guid EventId, string Type, Guid EntityId, long Version, DateTimeOffset OccurredAt, JsonElement Data)
{
    /// <summary>The JSON body subscribers receive.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        id = EventId,
        type = Type,
        entityId = EntityId,
        version = Version,
        occurredAt = OccurredAt,
        data = Data,
    }, JsonSerializerOptions.Web);
}

/// <summary>The stream events a subscriber may register for, and how each names its entity and version.</summary>
public static class WebhookEvents
{
    /// <summary>Event type -> the stream namespace it is published on.</summary>
    public static readonly IReadOnlyDictionary<string, string> Namespaces = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [nameof(StockChanged)] = MistyStreams.Stock,
        [nameof(LowStock)] = MistyStreams.Stock,
        [nameof(OrderChanged)] = MistyStreams.Orders,
        [nameof(FraudAlert)] = MistyStreams.Fraud,
        [nameof(CaseChanged)] = MistyStreams.Cases,
        [nameof(WorkflowProgress)] = MistyStreams.Workflows,
    };

    /// <returns>The webhook form of a stream event, or null for an event type webhooks do not carry.</returns>
    public static WebhookEvent? From(object item)
    {
        (Guid Entity, long Version, DateTimeOffset At)? key = item switch
        {
            IStockEvent stock => (stock.AlbumId, stock.Version, stock.OccurredAt),
            OrderChanged order => (order.OrderId, order.Version, order.OccurredAt),
            FraudAlert alert => (alert.OrderId, alert.Version, alert.OccurredAt),
            CaseChanged change => (change.CaseId, change.Version, change.OccurredAt),
            WorkflowProgress progress => (progress.ExecutionId, progress.Version, progress.OccurredAt),
            _ => null,
        };
        if (key is not { } found)
        {
            return null;
        }

        var type = item.GetType().Name;
        // The same event reaches every node that follows the feed: its id is derived, so each subscriber gets it once.
        var id = StableIds.From($"webhook-event\n{type}\n{found.Entity:D}\n{found.Version}");
        return new WebhookEvent(id, type, found.Entity, found.Version, found.At, JsonSerializer.SerializeToElement(item, item.GetType(), JsonSerializerOptions.Web));
    }
}
