using Microsoft.Extensions.Logging;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Interfaces.Reservations;

namespace Misty.Grains.Orders;

/// <summary>The units an order holds, priced, or the refusal that leaves nothing held.</summary>
public sealed record TakenStock(
    IReadOnlyList<PricedLine> Lines, IReadOnlyDictionary<Guid, AlbumFacts> Albums, Guid? ReservationId, OrderStock Status, OrderOutcome? Failure)
{
    public static TakenStock Failed(OrderResult result, string detail, IReadOnlyList<LineShortage>? shortages = null) =>
        new([], new Dictionary<Guid, AlbumFacts>(), null, OrderStock.None, new OrderOutcome(result, null, shortages ?? [], null, detail));
}

/// <summary>
/// How an order's units are held, kept and put back, through the reservations and inventory grains: the order's grain
/// asks, and stores what became of them.
/// </summary>
public sealed class OrderStockClerk(IGrainFactory grains, IOrderStore store, OrderOptions options, ILogger logger)
{
    /// <summary>
    /// Holds the order's units: the storefront's reservation (taken over as it is, held or already committed), or a
    /// reservation of the order's own for the lines staff entered. Nothing is held when a line fails.
    /// </summary>
    public async Task<TakenStock> TakeAsync(Guid orderId, OrderDraft draft)
    {
        ReservationView? reservation = null;
        IReadOnlyList<OrderLineDraft> wanted = draft.Lines;
        if (draft.ReservationId is { } reservationId)
        {
            reservation = await Reservation(reservationId).GetAsync();
            var usable = reservation is { Status: ReservationStatus.Held }
                || reservation is { Status: ReservationStatus.Committed } && (reservation.OrderId is null || reservation.OrderId == orderId);
            if (!usable)
            {
                return TakenStock.Failed(OrderResult.ReservationUnusable,
                    $"Reservation {reservationId} is {reservation?.Status.ToString().ToLowerInvariant() ?? "unknown"}: only a held reservation becomes an order.");
            }

            wanted = [.. reservation!.Lines.Select(line => new OrderLineDraft(line.AlbumId, line.Quantity, 0m))];
        }

        var albums = await store.LoadAlbumsAsync([.. wanted.Select(line => line.AlbumId)], CancellationToken.None);
        if (wanted.FirstOrDefault(line => !albums.ContainsKey(line.AlbumId)) is { } unknown)
        {
            return TakenStock.Failed(OrderResult.UnknownAlbum, $"Album {unknown.AlbumId} does not exist.");
        }

        var priced = wanted.Select(line => OrderPricing.Line(line.AlbumId, line.Quantity, albums[line.AlbumId].Price, line.Discount)).ToList();
        if (priced.IndexOf(null) is var bad and >= 0)
        {
            return TakenStock.Failed(OrderResult.InvalidDiscount,
                $"The discount on album {wanted[bad].AlbumId} is more than the line ({albums[wanted[bad].AlbumId].Price} x {wanted[bad].Quantity}).");
        }

        var lines = priced.Select(line => line!).ToList();
        if (reservation is not null)
        {
            if (reservation.Status == ReservationStatus.Held && !await ExtendAsync(reservation.ReservationId, options.PaymentWindow))
            {
                return TakenStock.Failed(OrderResult.ReservationUnusable, $"Reservation {reservation.ReservationId} has expired.");
            }

            return new TakenStock(lines, albums, reservation.ReservationId,
                reservation.Status == ReservationStatus.Held ? OrderStock.Held : OrderStock.Sold, null);
        }

        var held = await Reservation(orderId).CreateAsync(new ReservationRequest(
            [.. wanted.Select(line => new ReservationLine(line.AlbumId, line.Quantity))], options.PaymentWindow, draft.Caller, draft.RequestHash));
        return held.Result switch
        {
            ReservationResult.Ok => new TakenStock(lines, albums, orderId, OrderStock.Held, null),
            ReservationResult.Insufficient => TakenStock.Failed(OrderResult.Insufficient, "Not enough stock.", held.Shortages),
            ReservationResult.UnknownAlbum => TakenStock.Failed(OrderResult.UnknownAlbum, "An album does not exist."),
            _ => TakenStock.Failed(OrderResult.KeyReused, "This order id was used for a different order."),
        };
    }

    /// <summary>Keeps the order's held units for <paramref name="ttl"/> more; true when nothing is held (sold or gone).</summary>
    public async Task<bool> KeepAsync(OrderState order, TimeSpan ttl) =>
        order.Stock != OrderStock.Held || await ExtendAsync(order.ReservationId!.Value, ttl);

    /// <summary>Sells the held units to the order; false when the hold ran out first.</summary>
    public async Task<bool> SellAsync(Guid orderId, OrderState order) =>
        order.Stock != OrderStock.Held || (await Reservation(order.ReservationId!.Value).CommitAsync(orderId)).Result == ReservationResult.Ok;

    /// <summary>
    /// Held units are released; sold units come back through the inventory ledger as returns carrying the order id.
    /// Each return is keyed by the order and line, so a retry after a crash before the state is stored returns nothing twice.
    /// </summary>
    public async Task PutBackAsync(Guid orderId, OrderState order, string notes)
    {
        if (order.Stock == OrderStock.Held)
        {
            await Reservation(order.ReservationId!.Value).ReleaseAsync();
            return;
        }

        if (order.Stock != OrderStock.Sold)
        {
            return;
        }

        foreach (var (line, index) in order.Lines.Select((line, index) => (line, index)))
        {
            var back = await grains.GetGrain<IInventoryGrain>(line.AlbumId).ChangeStockAsync(new StockChange(StockChangeKind.Return,
                line.Quantity, line.UnitPrice, notes, null, orderId, StockChange.KeyFor("return", orderId, $"{index}:{line.AlbumId:N}")));
            if (back.Status != StockChangeStatus.Applied)
            {
                logger.LogError("Returning {Quantity} of album {AlbumId} for order {OrderNumber} was refused: {Status}.",
                    line.Quantity, line.AlbumId, order.OrderNumber, back.Status);
            }
        }
    }

    private async Task<bool> ExtendAsync(Guid reservationId, TimeSpan ttl) =>
        (await Reservation(reservationId).ExtendAsync(ttl)).Result == ReservationResult.Ok;

    private IReservationGrain Reservation(Guid reservationId) => grains.GetGrain<IReservationGrain>(reservationId);
}
