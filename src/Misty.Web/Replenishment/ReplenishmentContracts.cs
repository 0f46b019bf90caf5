using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Misty.Grains.Replenishment;

namespace Misty.Web.Replenishment;

/// <summary>A reorder_queue line, with its album, supplier, the sentence that explains it and its purchase order.</summary>
public sealed record ReorderResponse(Guid ReorderId, Guid AlbumId, string Sku, string Title, Guid? SupplierId, string? SupplierName, int CurrentStock,
    int RecommendedQuantity, int ReceivedQuantity, decimal? UnitCost, decimal? TotalCost, string Priority, int? AiConfidence, string Status,
    string? Insight, Guid? PurchaseOrderId, DateTimeOffset CreatedAt, DateTimeOffset? ApprovedAt, DateTimeOffset? OrderedAt, DateTimeOffset UpdatedAt)
{
    public static ReorderResponse From(ReorderLine line) => new(line.ReorderId, line.AlbumId, line.Sku, line.Title, line.SupplierId, line.SupplierName,
        line.CurrentStock, line.RecommendedQuantity, line.ReceivedQuantity, line.UnitCost, line.TotalCost, line.Priority, line.AiConfidence, line.Status,
        line.Insight, line.PurchaseOrderId, line.CreatedAt, line.ApprovedAt, line.OrderedAt, line.UpdatedAt);
}

public sealed record ReorderPage(IReadOnlyList<ReorderResponse> Items, int Page, int PageSize, long Total);

/// <summary>The approved lines of one supplier, ordered together.</summary>
/// <param name="Status">open while any line waits for goods, received once all have come.</param>
public sealed record PurchaseOrderResponse(Guid PurchaseOrderId, Guid SupplierId, string? SupplierName, DateTimeOffset OrderedAt, string Status,
    decimal TotalCost, IReadOnlyList<ReorderResponse> Lines)
{
    public static PurchaseOrderResponse From(Guid purchaseOrderId, IReadOnlyList<ReorderLine> lines) => new(purchaseOrderId, lines[0].SupplierId!.Value,
        lines[0].SupplierName, lines.Min(line => line.OrderedAt!.Value), lines.All(line => line.Status == "received") ? "received" : "open",
        lines.Sum(line => line.TotalCost ?? 0), [.. lines.Select(ReorderResponse.From)]);
}

public sealed record PurchaseOrderPage(IReadOnlyList<PurchaseOrderResponse> Items, int Page, int PageSize, long Total);

/// <param name="Quantity">Units that arrived, at most what the line still waits for.</param>
/// <param name="UnitCost">What each cost; the line's unit cost when left out.</param>
public sealed record ReceiveRequest([property: Required] int? Quantity, decimal? UnitCost);

/// <param name="Status">pending, approved, ordered, received or dismissed.</param>
/// <param name="Priority">critical, high, medium or low.</param>
public sealed record ReorderListParameters(
    [property: FromQuery(Name = "status")] string? Status,
    [property: FromQuery(Name = "priority")] string? Priority,
    [property: FromQuery(Name = "supplierId")] string? SupplierId,
    [property: FromQuery(Name = "albumId")] string? AlbumId,
    [property: FromQuery(Name = "page")] string? Page,
    [property: FromQuery(Name = "pageSize")] string? PageSize);

public sealed record SupplierResponse(Guid SupplierId, string Name, string? Email, string? Phone, string? Address, decimal? AvgDeliveryDays,
    decimal? ReliabilityScore, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record SupplierPage(IReadOnlyList<SupplierResponse> Items, int Page, int PageSize, long Total);

/// <param name="AvgDeliveryDays">Average days from order to delivery, 0 to 365.</param>
/// <param name="ReliabilityScore">0 (unreliable) to 100 (always on time and complete).</param>
public sealed record SupplierRequest([property: Required] string? Name, string? Email, string? Phone, string? Address, decimal? AvgDeliveryDays,
    decimal? ReliabilityScore);

/// <param name="EffectiveFrom">First day the price holds (yyyy-MM-dd); today when left out.</param>
/// <param name="EffectiveTo">Last day it holds; open-ended when left out.</param>
/// <param name="PackSize">Units per pack; orders are whole packs (1 when left out).</param>
public sealed record PriceRequest([property: Required] Guid? AlbumId, [property: Required] decimal? UnitPrice, int? MinimumOrderQuantity, int? PackSize,
    DateOnly? EffectiveFrom, DateOnly? EffectiveTo);

/// <param name="Prices">The supplier's whole price list: it replaces the one before.</param>
public sealed record PriceListRequest([property: Required] IReadOnlyList<PriceRequest>? Prices);

public sealed record PriceResponse(Guid PricingId, Guid AlbumId, decimal UnitPrice, int MinimumOrderQuantity, int PackSize, DateOnly EffectiveFrom,
    DateOnly? EffectiveTo);

public sealed record PriceListResponse(Guid SupplierId, IReadOnlyList<PriceResponse> Prices);
