using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Audit;
using Misty.Grains.Interfaces.Inventory;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Inventory;

public static class InventoryApi
{
    private const int MaxUnitsPerChange = 1_000_000;
    private const int MaxTextLength = 1_000;

    public static IServiceCollection AddInventoryWeb(this IServiceCollection services) => services.AddSingleton<StockHistory>();

    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder routes)
    {
        var inventory = routes.MapGroup("/api/inventory/{albumId:guid}").WithTags("Inventory");
        inventory.MapGet("", GetAsync).RequireAuthorization(MistyPolicies.Storefront).WithName("getInventory")
            .WithSummary("An album's stock: on hand, reserved and available.");
        inventory.MapPost("/restock", RestockAsync).RequireAuthorization(MistyPolicies.Staff).AcceptsIdempotencyKey().WithName("restockAlbum")
            .WithSummary("Adds delivered units to an album's stock.");
        inventory.MapPost("/adjust", AdjustAsync).RequireAuthorization(MistyPolicies.Manager).AcceptsIdempotencyKey().WithName("adjustStock")
            .WithSummary("Corrects an album's stock up or down, with the reason (audited).");
        inventory.MapGet("/history", HistoryAsync).RequireAuthorization(MistyPolicies.Staff).WithName("getStockHistory")
            .WithSummary("An album's stock by day (movements by kind and the stock at each day's end) and its latest ledger rows.");
        return routes;
    }

    private static async Task<Results<Ok<InventoryResponse>, NotFoundProblem>> GetAsync(Guid albumId, IGrainFactory grains) =>
        await grains.GetGrain<IInventoryGrain>(albumId).GetAsync() is { } snapshot
            ? TypedResults.Ok(InventoryResponse.From(snapshot))
            : AlbumNotFound(albumId);

    /// <param name="days">How many days back, today included: 1 to 730 (default 90).</param>
    private static async Task<Results<Ok<StockHistoryResponse>, ValidationProblem, NotFoundProblem>> HistoryAsync(
        Guid albumId, string? days, StockHistory history, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var span = QueryValues.WholeNumber(days, "days", StockHistory.DefaultDays, StockHistory.MaxDays, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await history.ReadAsync(albumId, span, clock.GetUtcNow(), cancellationToken) is { } found
            ? TypedResults.Ok(found)
            : AlbumNotFound(albumId);
    }

    private static async Task<Results<Ok<InventoryResponse>, ValidationProblem, NotFoundProblem, UnprocessableProblem, ConflictProblem>> RestockAsync(Guid albumId, RestockRequest request, ClaimsPrincipal user, IGrainFactory grains, HttpRequest http)
    {
        var errors = new FieldErrors()
            .Check(request.Quantity is > 0 and <= MaxUnitsPerChange, "quantity", $"A whole number of units from 1 to {MaxUnitsPerChange} is required.")
            .Check(request.UnitCost is null or (>= 0 and <= 1_000_000), "unitCost", "Must be from 0 to 1,000,000.")
            .Check(request.UnitCost is null || decimal.Round(request.UnitCost.Value, 2) == request.UnitCost, "unitCost", "At most two decimals.")
            .Check(request.Notes is null || request.Notes.Length <= MaxTextLength, "notes", $"At most {MaxTextLength} characters.");
        var key = ChangeKey(http, albumId, user, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var change = new StockChange(StockChangeKind.Restock, request.Quantity!.Value, request.UnitCost, request.Notes, Callers.StaffUserId(user), null, key);
        return ToResult(albumId, await grains.GetGrain<IInventoryGrain>(albumId).ChangeStockAsync(change));
    }

    private static async Task<Results<Ok<InventoryResponse>, ValidationProblem, NotFoundProblem, UnprocessableProblem, ConflictProblem>> AdjustAsync(Guid albumId, AdjustRequest request, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit, HttpRequest http)
    {
        var errors = new FieldErrors()
            .Check(request.Delta is not null and not 0 and >= -MaxUnitsPerChange and <= MaxUnitsPerChange, "delta",
                $"A non-zero whole number of units from -{MaxUnitsPerChange} to {MaxUnitsPerChange} is required.")
            .Check(!string.IsNullOrWhiteSpace(request.Reason), "reason", "Say why the stock is adjusted.")
            .Check(request.Reason is null || request.Reason.Length <= MaxTextLength, "reason", $"At most {MaxTextLength} characters.");
        var key = ChangeKey(http, albumId, user, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var change = new StockChange(StockChangeKind.Adjustment, request.Delta!.Value, null, request.Reason!.Trim(), Callers.StaffUserId(user), null, key);
        var outcome = await grains.GetGrain<IInventoryGrain>(albumId).ChangeStockAsync(change);
        if (outcome.Status == StockChangeStatus.Applied)
        {
            await audit.RecordAsync(new AuditEntry("inventory.adjusted", Callers.Id(user),
                $"Stock of album {albumId} adjusted by {change.Delta} to {outcome.Inventory!.Quantity}: {change.Notes}")
            {
                Details = new Dictionary<string, object?>
                {
                    ["albumId"] = albumId,
                    ["delta"] = change.Delta,
                    ["quantity"] = outcome.Inventory.Quantity,
                    ["reason"] = change.Notes,
                    ["version"] = outcome.Inventory.Version,
                },
            });
        }

        return ToResult(albumId, outcome);
    }

    private static Results<Ok<InventoryResponse>, ValidationProblem, NotFoundProblem, UnprocessableProblem, ConflictProblem> ToResult(
        Guid albumId, StockChangeOutcome outcome) => outcome.Status switch
        {
            StockChangeStatus.Applied => TypedResults.Ok(InventoryResponse.From(outcome.Inventory!)),
            StockChangeStatus.UnknownAlbum => AlbumNotFound(albumId),
            StockChangeStatus.KeyReused => Problems.Unprocessable(
                "This Idempotency-Key was used for a different stock change.",
                "Send the original request again to get its answer, or use a new key for a new change."),
            _ => Problems.Conflict(
                "Stock cannot go below what is on hold.",
                $"Album {albumId} has {outcome.Inventory!.Quantity} on hand, {outcome.Inventory.Reserved} of them reserved."),
        };

    /// <summary>
    /// The change's key from an optional Idempotency-Key, per caller and album: a double-clicked restock or a re-sent
    /// delivery changes the stock once.
    /// </summary>
    private static Guid? ChangeKey(HttpRequest http, Guid albumId, ClaimsPrincipal user, FieldErrors errors)
    {
        var key = Idempotency.KeyOf(http, errors);
        return key.Length > 0 ? StockChange.KeyFor("stock", albumId, Callers.Id(user) + "\n" + key) : null;
    }

    public static NotFoundProblem AlbumNotFound(Guid albumId) => Problems.NotFound("No such album.", $"Album {albumId} does not exist.");
}
