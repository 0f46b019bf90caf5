using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
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
    private const int MaxLines = 100;
    private const int MaxUnitsPerLine = 1_000;
    private const int MaxTextLength = 1_000;
    private const int MaxKeyLength = 200;

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
        orders.MapPost("", CreateAsync).RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("Places an order from a reservation (storefront) or from lines (staff), and charges its payment.")
            .Produces<CreatedOrderResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapGet("/{orderId:guid}", GetAsync).RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("One order with its items, payments and shipments (storefront: name the customer with ?customerId=).")
            .Produces<OrderResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        orders.MapGet("", ListAsync)
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("Lists orders, newest first, by customer, status, channel and order date (from inclusive, to exclusive).")
            .Produces<OrderPage>()
            .ProducesValidationProblem();
        orders.MapPost("/{orderId:guid}/shipments", AddShipmentAsync).RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Adds a shipment (carrier and tracking number) to a paid order.")
            .Produces<ShipmentResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{orderId:guid}/fraud-review", ReviewFraudAsync).RequireAuthorization(MistyPolicies.Manager)
            .WithSummary("Decides on an order held for fraud review: approved, its payment is charged; rejected, it is cancelled.")
            .Produces<OrderResponse>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapPost("/api/shipments/{shipmentId:guid}/status", UpdateShipmentAsync).WithTags("Orders").RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Moves a shipment forward (preparing, shipped, in_transit, delivered); the order follows.")
            .Produces<ShipmentResponse>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return routes.MapOrderRefunds();
    }

    private static async Task<IResult> CreateAsync(HttpRequest http, CreateOrderRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var storefront = !Callers.IsStaff(user);
        var errors = new FieldErrors();
        var channel = Channel(request.Channel, storefront, errors);
        var method = Method(request.Payment, storefront, errors);
        var lines = Lines(request, storefront, errors);
        var key = http.Headers[ReservationsApi.IdempotencyHeader].ToString();
        errors.Check(key.Length <= MaxKeyLength && !key.Any(char.IsControl), ReservationsApi.IdempotencyHeader, $"At most {MaxKeyLength} printable characters.")
            .Check(request.ShippingAddress is null || request.ShippingAddress.Trim().Length is > 0 and <= MaxTextLength, "shippingAddress",
                $"From 1 to {MaxTextLength} characters.")
            .Check(request.Payment?.Token is null || request.Payment.Token.Length <= MaxKeyLength, "payment.token", $"At most {MaxKeyLength} characters.")
            .Check(storefront || request.CustomerId is null != (request.Customer is null), "customerId",
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
            return new FieldErrors().Add("reservationId", $"There is no reservation {reservationId} of yours.").ToProblem();
        }

        // Staff name any customer; the storefront orders for the customer of its token, or registers a new one inline.
        var knownCustomerId = request.CustomerId;
        if (newCustomer is null && !CustomerAccess.TryActFor(user, request.CustomerId, out knownCustomerId))
        {
            return CustomerAccess.NotFound(request.CustomerId);
        }

        var orderId = request.ReservationId is { } fromReservation ? OrderIds.ForReservation(fromReservation)
            : key.Length > 0 ? OrderIds.ForIdempotencyKey(caller, key)
            : Guid.NewGuid();
        CustomerView? customer;
        if (newCustomer is not null)
        {
            (customer, var created) = await CustomerSignup.FindOrCreateAsync(grains, newCustomer);
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
                : new FieldErrors().Add("customerId", $"There is no customer {request.CustomerId}.").ToProblem();
        }

        var shippingAddress = channel == SalesChannel.InStore ? null : request.ShippingAddress?.Trim() ?? customer.Address;
        if (channel != SalesChannel.InStore && shippingAddress is null)
        {
            return new FieldErrors().Add("shippingAddress", "Required: the customer has no address on file.").ToProblem();
        }

        var draft = new OrderDraft(customer.CustomerId, channel!.Value, request.ReservationId, lines, shippingAddress, method!.Value,
            request.Payment?.Token, caller, "");
        draft = draft with { RequestHash = RequestHash(draft) };
        var outcome = await grains.GetGrain<IOrderGrain>(orderId).CreateAsync(draft);
        return outcome.Result == OrderResult.Ok
            ? TypedResults.Created($"/api/orders/{orderId}", CreatedOrderResponse.From(outcome.Order!, outcome.PartId!.Value))
            : Refused(outcome, lines);
    }

    private static async Task<IResult> GetAsync(Guid orderId, Guid? customerId, ClaimsPrincipal user, IGrainFactory grains) =>
        await FindAsync(orderId, customerId, user, grains) is { } order ? TypedResults.Ok(OrderResponse.From(order)) : OrderNotFound(orderId);

    private static async Task<IResult> ListAsync(HttpRequest http, ClaimsPrincipal user, OrderDirectory directory, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var parameters = http.Query;
        var named = OptionalGuid(parameters["customerId"], "customerId", errors);
        var customerId = named;
        if (errors.IsEmpty && !CustomerAccess.TryActFor(user, named, out customerId))
        {
            return CustomerAccess.NotFound(named);
        }

        var query = new OrderQuery(
            customerId,
            OptionalLabel<OrderStatus>(parameters["status"], "status", errors),
            OptionalLabel<SalesChannel>(parameters["channel"], "channel", errors),
            OptionalTime(parameters["from"], "from", endOfDay: false, errors),
            OptionalTime(parameters["to"], "to", endOfDay: true, errors),
            PageParameters.Page(parameters["page"], errors),
            PageParameters.PageSize(parameters["pageSize"], errors));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(await directory.ListAsync(query, cancellationToken));
    }

    private static async Task<IResult> AddShipmentAsync(Guid orderId, CreateShipmentRequest request, IGrainFactory grains)
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
            return outcome.Result == OrderResult.NotFound ? OrderNotFound(orderId) : Refused(outcome, []);
        }

        var shipment = outcome.Order!.Shipments.First(candidate => candidate.ShipmentId == outcome.PartId);
        return TypedResults.Created($"/api/shipments/{shipment.ShipmentId}", ShipmentResponse.From(outcome.Order, shipment));
    }

    private static async Task<IResult> ReviewFraudAsync(Guid orderId, FraudReviewRequest request, ClaimsPrincipal user, IGrainFactory grains, IAuditLog audit)
    {
        if (request.Approve is not { } approve)
        {
            return new FieldErrors().Add("approve", "Required: true to charge the payment, false to cancel the order.").ToProblem();
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

        return outcome.Result == OrderResult.Ok ? TypedResults.Ok(OrderResponse.From(outcome.Order!)) : Refused(outcome, []);
    }

    private static async Task<IResult> UpdateShipmentAsync(Guid shipmentId, ShipmentStatusRequest request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var status = OptionalLabel<ShipmentStatus>(request.Status, "status", errors);
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
            _ => Refused(outcome, []),
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
    private static IResult SignInRequired() =>
        TypedResults.Problem(
            title: "Sign the customer in.",
            detail: "This email belongs to a registered customer. Sign them in on the site, then place the order with their X-Customer-Token " +
                    "(a server key gets one from POST /api/customer-tokens). Nothing was ordered.",
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["code"] = "sign_in_required" });

    /// <summary>A storefront caller may turn its own reservations into orders; staff any.</summary>
    private static bool MayUse(ReservationView reservation, ClaimsPrincipal user) => Callers.IsStaff(user) || reservation.Caller == Callers.Id(user);

    private static SalesChannel? Channel(string? value, bool storefront, FieldErrors errors)
    {
        if (value is null)
        {
            errors.Check(storefront, "channel", $"Required: one of {string.Join(", ", SchemaNames.All<SalesChannel>())}.");
            return SalesChannel.Online;
        }

        if (!SchemaNames.TryParse(value, out SalesChannel channel))
        {
            errors.Add("channel", $"One of {string.Join(", ", SchemaNames.All<SalesChannel>())}.");
            return null;
        }

        errors.Check(!storefront || channel == SalesChannel.Online, "channel", "The storefront places online orders.");
        return channel;
    }

    private static PaymentMethod? Method(OrderPaymentRequest? payment, bool storefront, FieldErrors errors)
    {
        if (!SchemaNames.TryParse(payment?.Method, out PaymentMethod method))
        {
            errors.Add("payment.method", $"Required: one of {string.Join(", ", SchemaNames.All<PaymentMethod>())}.");
            return null;
        }

        errors.Check(!storefront || method != PaymentMethod.Cash, "payment.method", "Cash is paid at the till.");
        return method;
    }

    /// <summary>Validates the lines and merges repeats of an album; a storefront order takes its lines from its reservation.</summary>
    private static List<OrderLineDraft> Lines(CreateOrderRequest request, bool storefront, FieldErrors errors)
    {
        if (request.ReservationId is not null)
        {
            errors.Check(request.Lines is null, "lines", "Give either reservationId or lines, not both.");
            return [];
        }

        if (storefront)
        {
            errors.Add("reservationId", "Required: the storefront places orders from its reservations.");
            return [];
        }

        if (request.Lines is not { Count: > 0 and <= MaxLines } lines)
        {
            errors.Add("lines", $"Give reservationId, or from 1 to {MaxLines} lines.");
            return [];
        }

        for (var i = 0; i < lines.Count; i++)
        {
            errors.Check(lines[i]?.AlbumId is { } albumId && albumId != Guid.Empty, $"lines[{i}].albumId", "An album id is required.")
                .Check(lines[i]?.Quantity is > 0 and <= MaxUnitsPerLine, $"lines[{i}].quantity", $"From 1 to {MaxUnitsPerLine} units.")
                .Check(lines[i]?.Discount is null or >= 0 && (lines[i]?.Discount is null || decimal.Round(lines[i]!.Discount!.Value, 2) == lines[i]!.Discount),
                    $"lines[{i}].discount", "An amount of money of at least 0, with at most two decimals.");
        }

        return errors.IsEmpty
            ? [.. lines.GroupBy(line => line!.AlbumId!.Value).OrderBy(group => group.Key)
                .Select(group => new OrderLineDraft(group.Key, group.Sum(line => line!.Quantity!.Value), group.Sum(line => line!.Discount ?? 0)))]
            : [];
    }

    private static string RequestHash(OrderDraft draft) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|',
            draft.CustomerId.ToString("N"), SchemaNames.Of(draft.Channel), draft.ReservationId?.ToString("N") ?? "",
            string.Join(';', draft.Lines.Select(line => string.Create(CultureInfo.InvariantCulture, $"{line.AlbumId:N}:{line.Quantity}:{line.Discount}"))),
            draft.ShippingAddress ?? "", SchemaNames.Of(draft.PaymentMethod), draft.PaymentToken ?? ""))));

    private static IResult Refused(OrderOutcome outcome, List<OrderLineDraft> lines) => outcome.Result switch
    {
        OrderResult.NotFound => TypedResults.Problem(title: "Not found.", detail: outcome.Detail, statusCode: StatusCodes.Status404NotFound),
        OrderResult.KeyReused => TypedResults.Problem(
            title: "This order was already placed with different details.",
            detail: "Send the original request again to get its answer, or use a new reservation or Idempotency-Key for a new order.",
            statusCode: StatusCodes.Status422UnprocessableEntity),
        OrderResult.Insufficient => TypedResults.Problem(
            title: "Not enough stock.",
            detail: "Nothing was ordered: " + string.Join("; ", outcome.Shortages.Select(s => $"album {s.AlbumId}: {s.Requested} requested, {s.Available} available")),
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["lines"] = outcome.Shortages.Select(s => new ShortLine(s.AlbumId, s.Requested, s.Available)).ToList() }),
        OrderResult.UnknownAlbum or OrderResult.InvalidDiscount => new FieldErrors().Add(lines.Count > 0 ? "lines" : "reservationId", outcome.Detail ?? "").ToProblem(),
        OrderResult.UnknownCustomer => new FieldErrors().Add("customerId", outcome.Detail ?? "").ToProblem(),
        OrderResult.ReservationUnusable => TypedResults.Problem(title: "The reservation cannot become an order.", detail: outcome.Detail,
            statusCode: StatusCodes.Status409Conflict),
        OrderResult.GatewayUnavailable => TypedResults.Problem(title: "The payment gateway did not answer.", detail: outcome.Detail,
            statusCode: StatusCodes.Status503ServiceUnavailable),
        _ => TypedResults.Problem(title: "Not allowed in the current state.", detail: outcome.Detail, statusCode: StatusCodes.Status409Conflict),
    };

    private static Guid? OptionalGuid(string? value, string field, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        errors.Check(Guid.TryParse(value, out var id), field, "A UUID.");
        return id;
    }

    private static T? OptionalLabel<T>(string? value, string field, FieldErrors errors) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        errors.Check(SchemaNames.TryParse(value, out T parsed), field, $"One of {string.Join(", ", SchemaNames.All<T>())}.");
        return parsed;
    }

    /// <summary>A date (yyyy-MM-dd, UTC; as "to", the whole day counts) or an ISO 8601 time.</summary>
    private static DateTimeOffset? OptionalTime(string? value, string field, bool endOfDay, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset((endOfDay ? day.AddDays(1) : day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        var valid = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time);
        errors.Check(valid, field, "A date (yyyy-MM-dd) or an ISO 8601 time.");
        return valid ? time.ToUniversalTime() : null;
    }

    private static IResult OrderNotFound(Guid orderId) =>
        TypedResults.Problem(title: "No such order.", detail: $"Order {orderId} does not exist.", statusCode: StatusCodes.Status404NotFound);

    private static IResult PartNotFound(string kind, Guid id) =>
        TypedResults.Problem(title: $"No such {kind}.", detail: $"The {kind} {id} does not exist.", statusCode: StatusCodes.Status404NotFound);
}
