using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Misty.Grains.Audit;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Replenishment;
using Misty.Grains.Replenishment;
using Misty.Web.Api;
using Misty.Web.Dashboard;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Web.Replenishment;

/// <summary>The reorder queue's lifecycle (approve, dismiss, order, receive) and the purchase orders it makes.</summary>
public static class ReplenishmentApi
{
    internal static readonly string[] Statuses = ["pending", "approved", "ordered", "received", "dismissed"];
    internal static readonly string[] Priorities = ["critical", "high", "medium", "low"];

    public static IServiceCollection AddReplenishmentWeb(this IServiceCollection services)
    {
        services.TryAddSingleton<ReorderNotices>();
        services.AddSingleton(provider => new ReorderLines(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<ReorderNotices>()));
        services.AddSingleton<SupplierDirectory>();
        services.AddDashboardEvent<ReorderQueued>(MistyStreams.Replenishment);
        return services.AddDashboardEvent<ReorderChanged, ReorderQueueSection>(MistyStreams.Replenishment);
    }

    public static IEndpointRouteBuilder MapReplenishmentApi(this IEndpointRouteBuilder routes)
    {
        var queue = routes.MapGroup("/api/reorder-queue").WithTags("Replenishment");
        queue.MapGet("", ([AsParameters] ReorderListParameters parameters, ReorderLines lines, CancellationToken cancellationToken) =>
                ListAsync(parameters, lines, cancellationToken))
            .RequireAuthorization(MistyPolicies.Staff).WithName("listReorders")
            .WithSummary("Reorder lines, most urgent first, by status, priority, supplier and album.");
        queue.MapPost("/{reorderId:guid}/approve", ApproveAsync).RequireAuthorization(MistyPolicies.Manager).WithName("approveReorder")
            .WithSummary("Approves a pending line; approving it again changes nothing.");
        queue.MapPost("/{reorderId:guid}/dismiss", DismissAsync).RequireAuthorization(MistyPolicies.Manager).WithName("dismissReorder")
            .WithSummary("Dismisses a pending or approved line; the album is not proposed again for a week.");
        queue.MapPost("/{reorderId:guid}/order", OrderAsync).RequireAuthorization(MistyPolicies.Staff).WithName("orderReorder")
            .WithSummary("Orders the approved line with every other approved line of its supplier as one purchase order; a retry answers the same order.");
        queue.MapPost("/{reorderId:guid}/receive", ReceiveAsync).RequireAuthorization(MistyPolicies.Staff).WithName("receiveReorder")
            .WithSummary("Restocks the album with units that arrived on an ordered line (a restock ledger row with the cost); the line is received once all have come.");
        routes.MapGet("/api/purchase-orders", ([AsParameters] PurchaseOrderListParameters parameters, ReorderLines lines, CancellationToken cancellationToken) =>
                ListPurchaseOrdersAsync(parameters, lines, cancellationToken))
            .WithTags("Replenishment").RequireAuthorization(MistyPolicies.Staff).WithName("listPurchaseOrders")
            .WithSummary("Purchase orders, newest first, with their lines; by supplier.");
        return routes.MapSuppliersApi();
    }

    private static async Task<Results<Ok<ReorderPage>, ValidationProblem>> ListAsync(ReorderListParameters parameters, ReorderLines lines,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check(parameters.Status is null || Statuses.Contains(parameters.Status), "status", $"One of {string.Join(", ", Statuses)}.")
            .Check(parameters.Priority is null || Priorities.Contains(parameters.Priority), "priority", $"One of {string.Join(", ", Priorities)}.");
        var supplierId = QueryValues.Uuid(parameters.SupplierId, "supplierId", errors);
        var albumId = QueryValues.Uuid(parameters.AlbumId, "albumId", errors);
        var (page, pageSize) = (PageParameters.Page(parameters.Page, errors), PageParameters.PageSize(parameters.PageSize, errors));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (items, total) = await lines.ListAsync(parameters.Status, parameters.Priority, supplierId, albumId, page, pageSize, cancellationToken);
        return TypedResults.Ok(new ReorderPage([.. items.Select(ReorderResponse.From)], page, pageSize, total));
    }

    private static async Task<Results<Ok<ReorderResponse>, NotFoundProblem, ConflictProblem>> ApproveAsync(Guid reorderId, ClaimsPrincipal user,
        ReorderLines lines, IAuditLog audit, CancellationToken cancellationToken) =>
        await DecideAsync(reorderId, "approved", await lines.ApproveAsync(reorderId, cancellationToken), user, audit);

    private static async Task<Results<Ok<ReorderResponse>, NotFoundProblem, ConflictProblem>> DismissAsync(Guid reorderId, ClaimsPrincipal user,
        ReorderLines lines, IAuditLog audit, CancellationToken cancellationToken) =>
        await DecideAsync(reorderId, "dismissed", await lines.DismissAsync(reorderId, cancellationToken), user, audit);

    private static async Task<Results<Ok<ReorderResponse>, NotFoundProblem, ConflictProblem>> DecideAsync(Guid reorderId, string action,
        Transition transition, ClaimsPrincipal user, IAuditLog audit)
    {
        switch (transition.Result)
        {
            case TransitionResult.NotFound:
                return ReorderNotFound(reorderId);
            case TransitionResult.Conflict:
                return Problems.Conflict($"The line cannot be {action}.", $"Reorder {reorderId} is {transition.Line!.Status}.");
            case TransitionResult.Changed:
                var line = transition.Line!;
                await audit.RecordAsync(new AuditEntry($"reorders.{action}", Callers.Id(user),
                    $"Reorder of {line.RecommendedQuantity} x {line.Sku} {action}.")
                {
                    Details = Details(line),
                });
                break;
        }

        return TypedResults.Ok(ReorderResponse.From(transition.Line!));
    }

    private static async Task<Results<Ok<PurchaseOrderResponse>, NotFoundProblem, ConflictProblem>> OrderAsync(Guid reorderId, ClaimsPrincipal user,
        ReorderLines lines, IAuditLog audit, CancellationToken cancellationToken)
    {
        var transition = await lines.OrderAsync(reorderId, cancellationToken);
        if (transition.Result == TransitionResult.NotFound)
        {
            return ReorderNotFound(reorderId);
        }

        var line = transition.Line!;
        if (transition.Result == TransitionResult.Conflict)
        {
            return Problems.Conflict("Only an approved line with a supplier can be ordered.",
                line.SupplierId is null ? $"Reorder {reorderId} has no supplier." : $"Reorder {reorderId} is {line.Status}.");
        }

        var order = PurchaseOrderResponse.From(line.PurchaseOrderId!.Value, [line, .. transition.Others]);
        if (transition.Result == TransitionResult.Changed)
        {
            await audit.RecordAsync(new AuditEntry("reorders.ordered", Callers.Id(user),
                $"Purchase order {order.PurchaseOrderId} to {order.SupplierName}: {order.Lines.Count} line(s), {order.TotalCost:0.00}.")
            {
                Details = new Dictionary<string, object?>
                {
                    ["purchaseOrderId"] = order.PurchaseOrderId,
                    ["supplierId"] = order.SupplierId,
                    ["lines"] = order.Lines.Count,
                    ["totalCost"] = order.TotalCost,
                },
            });
        }

        return TypedResults.Ok(order);
    }

    private static async Task<Results<Ok<ReorderResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> ReceiveAsync(Guid reorderId,
        ReceiveRequest request, ClaimsPrincipal user, ReorderLines lines, IGrainFactory grains, IAuditLog audit, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .Check(request.Quantity is > 0, "quantity", "A whole number of units of at least 1 is required.")
            .Check(request.UnitCost is null or (>= 0 and <= 1_000_000), "unitCost", "Must be from 0 to 1,000,000.")
            .Check(request.UnitCost is null || decimal.Round(request.UnitCost.Value, 2) == request.UnitCost, "unitCost", "At most two decimals.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await lines.GetAsync(reorderId, cancellationToken) is not { } line)
        {
            return ReorderNotFound(reorderId);
        }

        if (line.Status != "ordered")
        {
            return Problems.Conflict("Only an ordered line can be received.", $"Reorder {reorderId} is {line.Status}.");
        }

        var outstanding = line.RecommendedQuantity - line.ReceivedQuantity;
        if (request.Quantity > outstanding)
        {
            return Problems.Field("quantity", $"The line waits for {outstanding} more unit(s).");
        }

        // Keyed by the line and what it had received before: a retry restocks once, a concurrent receipt is refused.
        var key = StockChange.KeyFor("reorder-receipt", reorderId, line.ReceivedQuantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var unitCost = request.UnitCost ?? line.UnitCost;
        var change = new StockChange(StockChangeKind.Restock, request.Quantity!.Value, unitCost,
            $"Received on purchase order {line.PurchaseOrderId} (reorder {reorderId})", Callers.StaffUserId(user), null, key);
        var outcome = await grains.GetGrain<IInventoryGrain>(line.AlbumId).ChangeStockAsync(change);
        if (outcome.Status != StockChangeStatus.Applied)
        {
            return Problems.Conflict("The receipt was not recorded.", outcome.Status == StockChangeStatus.KeyReused
                ? "Another receipt for this line was recorded at the same moment; read the line and try again."
                : $"The album's stock refused it ({outcome.Status}).");
        }

        var recorded = await lines.RecordReceiptAsync(reorderId, line.ReceivedQuantity, change.Delta, cancellationToken);
        if (recorded.Result == TransitionResult.Changed)
        {
            await audit.RecordAsync(new AuditEntry("reorders.received", Callers.Id(user),
                $"Received {change.Delta} x {line.Sku} on reorder {reorderId}; {outcome.Inventory!.Quantity} now on hand.")
            {
                Details = new Dictionary<string, object?>(Details(recorded.Line!)) { ["received"] = change.Delta, ["unitCost"] = unitCost },
            });
        }

        return TypedResults.Ok(ReorderResponse.From(recorded.Line!));
    }

    private static async Task<Results<Ok<PurchaseOrderPage>, ValidationProblem>> ListPurchaseOrdersAsync(PurchaseOrderListParameters parameters,
        ReorderLines lines, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var supplierId = QueryValues.Uuid(parameters.SupplierId, "supplierId", errors);
        var (page, pageSize) = (PageParameters.Page(parameters.Page, errors), PageParameters.PageSize(parameters.PageSize, errors));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (ids, total) = await lines.PurchaseOrderIdsAsync(supplierId, page, pageSize, cancellationToken);
        var orders = new List<PurchaseOrderResponse>();
        foreach (var id in ids)
        {
            orders.Add(PurchaseOrderResponse.From(id, await lines.PurchaseOrderAsync(id, cancellationToken)));
        }

        return TypedResults.Ok(new PurchaseOrderPage(orders, page, pageSize, total));
    }

    private static Dictionary<string, object?> Details(ReorderLine line) => new()
    {
        ["reorderId"] = line.ReorderId,
        ["albumId"] = line.AlbumId,
        ["supplierId"] = line.SupplierId,
        ["quantity"] = line.RecommendedQuantity,
        ["status"] = line.Status,
    };

    private static NotFoundProblem ReorderNotFound(Guid reorderId) => Problems.NotFound("No such reorder line.", $"Reorder {reorderId} does not exist.");
}

public sealed record PurchaseOrderListParameters(
    [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "supplierId")] string? SupplierId,
    [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "page")] string? Page,
    [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "pageSize")] string? PageSize);
