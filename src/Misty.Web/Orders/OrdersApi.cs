using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Misty.Grains.Audit;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Interfaces.Orders;
using Misty.Grains.Interfaces.Reservations;
using Misty.Web.Api;
using Misty.Web.Customers;
using Misty.Web.Dashboard;
using Misty.Web.Reservations;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Web.Orders;

/// <summary>
/// Orders, their shipments and payments. Staff see and act on every order; a storefront caller acts for the customer
/// it names (customerId in the body or the query) and sees only that customer's orders; anything else is a 404.
/// </summary>
public static partial class OrdersApi
{
    /// <summary>
    /// Order changes and fraud alerts for the dashboards; the alert queue's snapshot reads rows, so only with a database.
    /// (An order leaving review shows as its OrderChanged, which the page uses to drop the alert.)
    /// </summary>
    public static IServiceCollection AddOrdersWeb(this IServiceCollection services)
    {
        services.AddSingleton<OrderDirectory>();
        services.AddDashboardEvent<OrderChanged>(MistyStreams.Orders);
        return services.AddDashboardEvent<FraudAlert, FraudAlertQueueSection>(MistyStreams.Fraud);
    }

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapGroup("/api/orders").WithTags("Orders");
        orders.MapPost("", CreateAsync).RequireAuthorization(MistyPolicies.Storefront).AcceptsIdempotencyKey().WithName("createOrder")
            .WithSummary("Places an order from a reservation (storefront) or from lines (staff), and charges its payment.");
        orders.MapGet("/{orderId:guid}", GetAsync).RequireAuthorization(MistyPolicies.Storefront).WithName("getOrder")
            .WithSummary("One order with its items, payments and shipments (storefront: the signed-in customer's, or name the customer with ?customerId=).");
        orders.MapGet("", ([AsParameters] OrderListParameters parameters, ClaimsPrincipal user, OrderDirectory directory, CancellationToken cancellationToken) =>
                ListAsync(parameters, user, directory, cancellationToken))
            .RequireAuthorization(MistyPolicies.Storefront).WithName("listOrders")
            .WithSummary("Lists orders, newest first, by customer, status, channel and order date (from inclusive, to exclusive).");
        orders.MapPost("/{orderId:guid}/shipments", AddShipmentAsync).RequireAuthorization(MistyPolicies.Staff).WithName("addShipment")
            .WithSummary("Adds a shipment (carrier and tracking number) to a paid order.");
        orders.MapPost("/{orderId:guid}/fraud-review", ReviewFraudAsync).RequireAuthorization(MistyPolicies.Manager).WithName("reviewFraud")
            .WithSummary("Decides on an order held for fraud review: approved, its payment is charged; rejected, it is cancelled.");
        routes.MapPost("/api/shipments/{shipmentId:guid}/status", UpdateShipmentAsync).WithTags("Orders").RequireAuthorization(MistyPolicies.Staff)
            .WithName("updateShipmentStatus")
            .WithSummary("Moves a shipment forward (preparing, shipped, in_transit, delivered); the order follows.");
        return routes.MapOrderRefunds().MapHeldOrders();
    }

    private static async Task<Results<Created<CreatedOrderResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UnprocessableProblem, UnavailableProblem>>
        CreateAsync(HttpRequest http, CreateOrderRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var storefront = !Callers.IsStaff(user);
        var errors = new FieldErrors();
        var channel = OrderRequestRules.Channel(request.Channel, storefront, errors);
        var method = OrderRequestRules.Method(request.Payment, storefront, errors);
        var lines = OrderRequestRules.Lines(request, storefront, errors);
        var key = Idempotency.KeyOf(http, errors);
        var requestedAddress = OrderRequestRules.ShippingAddress(request.ShippingAddress, errors);
        errors.Check(storefront || request.CustomerId is null != (request.Customer is null), "customerId",
                "Give exactly one of customerId (a known customer) and customer (a new one).")
            .Check(!storefront || request.Customer is null || (request.CustomerId is null && CustomerAccess.TokenCustomer(user) is null), "customer",
                "Leave customer out when the customer is signed in (X-Customer-Token).");
        var newCustomer = request.Customer is { } inline
            ? CustomerSignup.Validate(inline.Email, inline.FirstName, inline.LastName, inline.Phone, inline.Address, "customer.", errors)
            : null;
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var caller = Callers.Id(user);
        if (request.ReservationId is { } reservationId
            && await grains.GetGrain<IReservationGrain>(reservationId).GetAsync() is var reservation && (reservation is null || !MayUse(reservation, user)))
        {
            return Problems.Field("reservationId", $"There is no reservation {reservationId} of yours.");
        }

        // Staff name any customer; the storefront orders for the customer of its token, or registers a new one inline.
        var knownCustomerId = request.CustomerId;
        if (newCustomer is null && !CustomerAccess.TryActFor(user, request.CustomerId, out knownCustomerId))
        {
            return CustomerAccess.NotFound(request.CustomerId);
        }

        var orderId = OrderRequestRules.OrderId(request.ReservationId, caller, key);
        CustomerView? customer;
        if (newCustomer is not null)
        {
            (customer, var created) = await CustomerSignup.FindOrCreateAsync(grains, newCustomer, OrderRequestRules.SignupCustomerId(orderId));
            if (!created && storefront && !await RetriesOwnOrderAsync(grains, orderId, customer.CustomerId))
            {
                return SignInRequired();
            }
        }
        else
        {
            customer = await grains.GetGrain<ICustomerGrain>(knownCustomerId!.Value).GetAsync();
        }

        if (customer is null)
        {
            return storefront
                ? CustomerAccess.NotFound(knownCustomerId)
                : Problems.Field("customerId", $"There is no customer {request.CustomerId}.");
        }

        var shippingAddress = channel == SalesChannel.InStore ? null : requestedAddress ?? customer.Address;
        if (channel != SalesChannel.InStore && shippingAddress is null)
        {
            return Problems.Field("shippingAddress", "Required: the customer has no address on file.");
        }

        var draft = new OrderDraft(customer.CustomerId, channel!.Value, request.ReservationId, lines, shippingAddress, method!.Value,
            request.Payment?.Token, caller, "");
        draft = draft with { RequestHash = OrderRequestRules.RequestHash(draft) };
        var outcome = await grains.GetGrain<IOrderGrain>(orderId).CreateAsync(draft);
        return outcome.Result == OrderResult.Ok
            ? TypedResults.Created($"/api/orders/{orderId}", CreatedOrderResponse.From(outcome.Order!, outcome.PartId!.Value))
            : Refused<Created<CreatedOrderResponse>>(outcome, lines);
    }

    private static async Task<Results<Ok<OrderResponse>, NotFoundProblem>> GetAsync(Guid orderId, Guid? customerId, ClaimsPrincipal user, IGrainFactory grains) =>
        await FindAsync(orderId, customerId, user, grains) is { } order ? TypedResults.Ok(OrderResponse.From(order)) : OrderNotFound(orderId);

    private static async Task<Results<Ok<OrderPage>, ValidationProblem, NotFoundProblem>> ListAsync(
        OrderListParameters parameters, ClaimsPrincipal user, OrderDirectory directory, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var named = QueryValues.Uuid(parameters.CustomerId, "customerId", errors);
        var customerId = named;
        if (errors.IsEmpty && !CustomerAccess.TryActFor(user, named, out customerId))
        {
            return CustomerAccess.NotFound(named);
        }

        var query = new OrderQuery(
            customerId,
            QueryValues.Enum<OrderStatus>(parameters.Status, "status", errors),
            QueryValues.Enum<SalesChannel>(parameters.Channel, "channel", errors),
            QueryValues.Time(parameters.From, "from", endOfDay: false, errors),
            QueryValues.Time(parameters.To, "to", endOfDay: true, errors),
            PageParameters.Page(parameters.Page, errors),
            PageParameters.PageSize(parameters.PageSize, errors));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(await directory.ListAsync(query, cancellationToken));
    }

    private static async Task<Results<Created<ShipmentResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UnprocessableProblem, UnavailableProblem>> AddShipmentAsync(Guid orderId, CreateShipmentRequest request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var carrier = request.Carrier?.Trim();
        var tracking = request.TrackingNumber?.Trim();
        errors.Check(carrier is { Length: > 0 and <= 100 }, "carrier", "From 1 to 100 characters.")
            .Check(tracking is { Length: > 0 and <= 100 }, "trackingNumber", "From 1 to 100 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var outcome = await grains.GetGrain<IOrderGrain>(orderId).AddShipmentAsync(carrier!, tracking!);
        if (outcome.Result != OrderResult.Ok)
        {
            return outcome.Result == OrderResult.NotFound ? OrderNotFound(orderId) : Refused<Created<ShipmentResponse>>(outcome, []);
        }

        var shipment = outcome.Order!.Shipments.First(candidate => candidate.ShipmentId == outcome.PartId);
        return TypedResults.Created($"/api/shipments/{shipment.ShipmentId}", ShipmentResponse.From(outcome.Order, shipment));
    }

    private static async Task<Results<Ok<OrderResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UnprocessableProblem, UnavailableProblem>> ReviewFraudAsync(Guid orderId, FraudReviewRequest request, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit)
    {
        if (request.Approve is not { } approve)
        {
            return Problems.Field("approve", "Required: true to charge the payment, false to cancel the order.");
        }

        var outcome = await grains.GetGrain<IOrderGrain>(orderId).ReviewFraudAsync(approve, Callers.Id(user));
        if (outcome.Result == OrderResult.NotFound)
        {
            return OrderNotFound(orderId);
        }

        if (outcome.Result == OrderResult.Ok)
        {
            await audit.RecordAsync(new AuditEntry("orders.fraud_reviewed", Callers.Id(user),
                $"Order {outcome.Order!.OrderNumber} {(approve ? "approved" : "rejected")} on fraud review.")
            {
                Details = new Dictionary<string, object?> { ["orderId"] = orderId, ["approved"] = approve, ["status"] = SchemaNames.Of(outcome.Order.Status) },
            });
        }

        return outcome.Result == OrderResult.Ok ? TypedResults.Ok(OrderResponse.From(outcome.Order!)) : Refused<Ok<OrderResponse>>(outcome, []);
    }

    private static async Task<Results<Ok<ShipmentResponse>, ValidationProblem, NotFoundProblem, ConflictProblem, UnprocessableProblem, UnavailableProblem>> UpdateShipmentAsync(Guid shipmentId, ShipmentStatusRequest request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var status = QueryValues.Enum<ShipmentStatus>(request.Status, "status", errors);
        errors.Check(request.Status is not null, "status", "Required.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await grains.GetGrain<IOrderPartGrain>(shipmentId).GetOrderAsync() is not { } orderId)
        {
            return PartNotFound("shipment", shipmentId);
        }

        var outcome = await grains.GetGrain<IOrderGrain>(orderId).UpdateShipmentAsync(shipmentId, status!.Value);
        return outcome.Result switch
        {
            OrderResult.Ok => TypedResults.Ok(ShipmentResponse.From(outcome.Order!, outcome.Order!.Shipments.First(shipment => shipment.ShipmentId == shipmentId))),
            OrderResult.NotFound => PartNotFound("shipment", shipmentId),
            _ => Refused<Ok<ShipmentResponse>>(outcome, []),
        };
    }

    /// <summary>The order when the caller may see it: staff see all; a storefront caller only orders of its token's customer.</summary>
    private static async Task<OrderView?> FindAsync(Guid orderId, Guid? customerId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (!CustomerAccess.TryActFor(user, customerId, out var acting))
        {
            return null;
        }

        return await grains.GetGrain<IOrderGrain>(orderId).GetAsync() is { } order && (Callers.IsStaff(user) || order.CustomerId == acting)
            ? order
            : null;
    }

    /// <summary>
    /// A storefront's retry of an order that registered its customer inline: the first attempt's order (same reservation
    /// or Idempotency-Key, of this key only) exists for that customer, so the retry gets the same answer.
    /// </summary>
    private static async Task<bool> RetriesOwnOrderAsync(IGrainFactory grains, Guid orderId, Guid customerId) =>
        await grains.GetGrain<IOrderGrain>(orderId).GetAsync() is { } order && order.CustomerId == customerId;

    /// <summary>
    /// Checkout by the email of a registered customer: never attached to that account (nor its id or address revealed)
    /// without the customer's proof, so the site signs the customer in and sends the order with their token.
    /// </summary>
    private static ConflictProblem SignInRequired() =>
        Problems.Conflict(
            "Sign the customer in.",
            "This email belongs to a registered customer. Sign them in on the site, then place the order with their X-Customer-Token " +
                    "(a server key gets one from POST /api/customer-tokens). Nothing was ordered.",
            new Dictionary<string, object?> { ["code"] = "sign_in_required" });

    /// <summary>A storefront caller may turn its own reservations into orders; staff any.</summary>
    private static bool MayUse(ReservationView reservation, ClaimsPrincipal user) => Callers.IsStaff(user) || reservation.Caller == Callers.Id(user);


    /// <summary>The problem for an order grain's refusal, as any order command's typed result.</summary>
    private static Results<TSuccess, ValidationProblem, NotFoundProblem, ConflictProblem, UnprocessableProblem, UnavailableProblem> Refused<TSuccess>(OrderOutcome outcome, List<OrderLineDraft> lines)
        where TSuccess : IResult => outcome.Result switch
        {
            OrderResult.NotFound => Problems.NotFound("Not found.", outcome.Detail),
            OrderResult.KeyReused => Problems.Unprocessable(
                "This order was already placed with different details.",
                "Send the original request again to get its answer, or use a new reservation or Idempotency-Key for a new order."),
            OrderResult.Insufficient => Problems.Conflict(
                "Not enough stock.",
                "Nothing was ordered: " + string.Join("; ", outcome.Shortages.Select(s => $"album {s.AlbumId}: {s.Requested} requested, {s.Available} available")),
                new Dictionary<string, object?> { ["lines"] = outcome.Shortages.Select(s => new ShortLine(s.AlbumId, s.Requested, s.Available)).ToList() }),
            OrderResult.UnknownAlbum or OrderResult.InvalidDiscount => Problems.Field(lines.Count > 0 ? "lines" : "reservationId", outcome.Detail ?? ""),
            OrderResult.UnknownCustomer => Problems.Field("customerId", outcome.Detail ?? ""),
            OrderResult.ReservationUnusable => Problems.Conflict("The reservation cannot become an order.", outcome.Detail),
            OrderResult.GatewayUnavailable => Problems.Unavailable("The payment gateway did not answer.", outcome.Detail),
            _ => Problems.Conflict("Not allowed in the current state.", outcome.Detail),
        };

    private static NotFoundProblem OrderNotFound(Guid orderId) => Problems.NotFound("No such order.", $"Order {orderId} does not exist.");

    private static NotFoundProblem PartNotFound(string kind, Guid id) => Problems.NotFound($"No such {kind}.", $"The {kind} {id} does not exist.");
}

/// <summary>The query of GET /api/orders; values arrive as text so that a bad one is reported against its name.</summary>
/// <param name="CustomerId">Staff: any customer's orders; storefront: the signed-in customer's (default) or the one named.</param>
/// <param name="Status">pending, processing, shipped, delivered, cancelled or fraud_review.</param>
/// <param name="Channel">online, in_store or phone.</param>
/// <param name="From">A date (yyyy-MM-dd, UTC) or ISO 8601 time: orders at or after it.</param>
/// <param name="To">A date (the whole day counts) or ISO 8601 time: orders before it.</param>
public sealed record OrderListParameters(
    [property: FromQuery(Name = "customerId")] string? CustomerId,
    [property: FromQuery(Name = "status")] string? Status,
    [property: FromQuery(Name = "channel")] string? Channel,
    [property: FromQuery(Name = "from")] string? From,
    [property: FromQuery(Name = "to")] string? To,
    [property: FromQuery(Name = "page")] string? Page,
    [property: FromQuery(Name = "pageSize")] string? PageSize);
