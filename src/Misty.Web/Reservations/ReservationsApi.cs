using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Reservations;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Reservations;

public static class ReservationsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(15);
    private const int MinTtlSeconds = 30;
    private const int MaxTtlSeconds = 24 * 60 * 60;
    private const int MaxLines = 100;
    private const int MaxUnitsPerLine = 1_000;
    private const int MaxKeyLength = 200;

    public static IEndpointRouteBuilder MapReservationsApi(this IEndpointRouteBuilder routes)
    {
        var reservations = routes.MapGroup("/api/reservations").WithTags("Reservations").RequireAuthorization(MistyPolicies.Storefront);
        reservations.MapPost("", CreateAsync);
        reservations.MapGet("/{reservationId:guid}", GetAsync);
        reservations.MapDelete("/{reservationId:guid}", ReleaseAsync);
        reservations.MapPost("/{reservationId:guid}/commit", CommitAsync);
        reservations.MapPost("/{reservationId:guid}/extend", ExtendAsync);
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpRequest http, CreateReservationRequest request, ClaimsPrincipal user, ReservationDesk desk)
    {
        var key = http.Headers[IdempotencyHeader].ToString();
        var errors = new FieldErrors()
            .Check(key.Length is > 0 and <= MaxKeyLength && !key.Any(char.IsControl), IdempotencyHeader,
                $"The {IdempotencyHeader} header is required: 1 to {MaxKeyLength} printable characters, unique per reservation.")
            .Check(request.TtlSeconds is null or (>= MinTtlSeconds and <= MaxTtlSeconds), "ttlSeconds", $"From {MinTtlSeconds} to {MaxTtlSeconds} seconds.");
        var lines = ValidLines(request.Lines, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var caller = Callers.Id(user);
        var ttl = request.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultTtl;
        var reservationId = ReservationIdFor(caller, key);
        var outcome = await desk.CreateAsync(reservationId, new ReservationRequest(lines, ttl, caller, RequestHash(lines, ttl)));
        return outcome.Result switch
        {
            ReservationResult.Ok => TypedResults.Created($"/api/reservations/{reservationId}", ReservationResponse.From(outcome.Reservation!)),
            ReservationResult.KeyReused => TypedResults.Problem(
                title: "This Idempotency-Key was used for a different reservation.",
                detail: "Send the original request again to get its answer, or use a new key for a new reservation.",
                statusCode: StatusCodes.Status422UnprocessableEntity),
            ReservationResult.Insufficient => TypedResults.Problem(
                title: "Not enough stock.",
                detail: "Nothing was reserved: " + string.Join("; ", outcome.Shortages.Select(s => $"album {s.AlbumId}: {s.Requested} requested, {s.Available} available")),
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["lines"] = outcome.Shortages.Select(s => new ShortLine(s.AlbumId, s.Requested, s.Available)).ToList() }),
            _ => UnknownAlbums(lines, outcome.Shortages),
        };
    }

    private static async Task<IResult> GetAsync(Guid reservationId, ClaimsPrincipal user, IGrainFactory grains) =>
        await FindAsync(reservationId, user, grains) is { } view ? TypedResults.Ok(ReservationResponse.From(view)) : NotFound(reservationId);

    private static async Task<IResult> ReleaseAsync(Guid reservationId, ClaimsPrincipal user, ReservationDesk desk)
    {
        var outcome = await desk.ReleaseAsync(reservationId, Callers.IsStaff(user) ? null : Callers.Id(user));
        return outcome.Result switch
        {
            ReservationResult.Ok => TypedResults.NoContent(),
            ReservationResult.NotFound => NotFound(reservationId),
            _ => WrongState(outcome),
        };
    }

    private static async Task<IResult> CommitAsync(Guid reservationId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await FindAsync(reservationId, user, grains) is null)
        {
            return NotFound(reservationId);
        }

        var outcome = await grains.GetGrain<IReservationGrain>(reservationId).CommitAsync(orderId: null);
        return outcome.Result == ReservationResult.Ok ? TypedResults.Ok(ReservationResponse.From(outcome.Reservation!)) : WrongState(outcome);
    }

    private static async Task<IResult> ExtendAsync(Guid reservationId, ExtendReservationRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new FieldErrors()
            .Check(request.TtlSeconds is >= MinTtlSeconds and <= MaxTtlSeconds, "ttlSeconds", $"From {MinTtlSeconds} to {MaxTtlSeconds} seconds.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await FindAsync(reservationId, user, grains) is null)
        {
            return NotFound(reservationId);
        }

        var outcome = await grains.GetGrain<IReservationGrain>(reservationId).ExtendAsync(TimeSpan.FromSeconds(request.TtlSeconds!.Value));
        return outcome.Result == ReservationResult.Ok ? TypedResults.Ok(ReservationResponse.From(outcome.Reservation!)) : WrongState(outcome);
    }

    /// <summary>
    /// The reservation id for a caller's Idempotency-Key: a retry of the same request reaches the same grain, and
    /// two callers' keys can never collide.
    /// </summary>
    public static Guid ReservationIdFor(string caller, string idempotencyKey) => StableIds.From($"{caller}\n{idempotencyKey}");

    /// <summary>Validates the lines and merges repeats of an album, in a stable order, so equal requests hash equally.</summary>
    private static List<ReservationLine> ValidLines(IReadOnlyList<ReservationLineRequest?>? lines, FieldErrors errors)
    {
        if (lines is not { Count: > 0 and <= MaxLines })
        {
            errors.Add("lines", $"From 1 to {MaxLines} lines are required.");
            return [];
        }

        for (var i = 0; i < lines.Count; i++)
        {
            errors.Check(lines[i]?.AlbumId is { } albumId && albumId != Guid.Empty, $"lines[{i}].albumId", "An album id is required.")
                .Check(lines[i]?.Quantity is > 0 and <= MaxUnitsPerLine, $"lines[{i}].quantity", $"From 1 to {MaxUnitsPerLine} units.");
        }

        return errors.IsEmpty
            ? [.. lines.GroupBy(line => line!.AlbumId!.Value).OrderBy(group => group.Key)
                .Select(group => new ReservationLine(group.Key, group.Sum(line => line!.Quantity!.Value)))]
            : [];
    }

    private static string RequestHash(IEnumerable<ReservationLine> lines, TimeSpan ttl) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join(';', lines.Select(line => $"{line.AlbumId:N}:{line.Quantity}")) + $"|{(long)ttl.TotalSeconds}")));

    /// <summary>The reservation when the caller may see it: staff see all, a storefront key only its own.</summary>
    private static async Task<ReservationView?> FindAsync(Guid reservationId, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<IReservationGrain>(reservationId).GetAsync() is { } view && (Callers.IsStaff(user) || view.Caller == Callers.Id(user))
            ? view
            : null;

    private static IResult NotFound(Guid reservationId) =>
        TypedResults.Problem(title: "No such reservation.", detail: $"Reservation {reservationId} does not exist.", statusCode: StatusCodes.Status404NotFound);

    private static IResult WrongState(ReservationOutcome outcome) =>
        TypedResults.Problem(
            title: $"The reservation is {outcome.Reservation?.Status.ToString().ToLowerInvariant() ?? "gone"}.",
            detail: "Only a held reservation can be committed, extended or released.",
            statusCode: StatusCodes.Status409Conflict);

    private static IResult UnknownAlbums(List<ReservationLine> lines, IReadOnlyList<LineShortage> shortages)
    {
        var errors = new FieldErrors();
        foreach (var shortage in shortages)
        {
            errors.Add($"lines[{lines.FindIndex(line => line.AlbumId == shortage.AlbumId)}].albumId", $"Album {shortage.AlbumId} does not exist or is out of stock.");
        }

        return errors.ToProblem();
    }
}
