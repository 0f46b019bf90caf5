using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Reservations;
using Misty.Grains.Reservations;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Reservations;

public static class ReservationsApi
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(15);
    private const int MinTtlSeconds = 30;
    private const int MaxTtlSeconds = 24 * 60 * 60;
    private const int MaxLines = 100;
    private const int MaxUnitsPerLine = 1_000;

    public static IEndpointRouteBuilder MapReservationsApi(this IEndpointRouteBuilder routes)
    {
        var reservations = routes.MapGroup("/api/reservations").WithTags("Reservations").RequireAuthorization(MistyPolicies.Storefront);
        reservations.MapPost("", CreateAsync).AcceptsIdempotencyKey(required: true).WithName("createReservation")
            .WithSummary("Holds stock for a basket until it is ordered, released or expires (all lines or none).");
        reservations.MapGet("/{reservationId:guid}", GetAsync).WithName("getReservation").WithSummary("One reservation of the caller.");
        reservations.MapDelete("/{reservationId:guid}", ReleaseAsync).WithName("releaseReservation")
            .WithSummary("Releases a held reservation: its stock is available again.");
        reservations.MapPost("/{reservationId:guid}/commit", CommitAsync).WithName("commitReservation")
            .WithSummary("Commits a held reservation without an order (the stock leaves).");
        reservations.MapPost("/{reservationId:guid}/extend", ExtendAsync).WithName("extendReservation")
            .WithSummary("Gives a held reservation a new time to live, counted from now.");
        return routes;
    }

    private static async Task<Results<Created<ReservationResponse>, ValidationProblem, UnprocessableProblem, ConflictProblem>> CreateAsync(
        HttpRequest http, CreateReservationRequest request, ClaimsPrincipal user, ReservationDesk desk)
    {
        var errors = new FieldErrors();
        var key = Idempotency.KeyOf(http, errors, required: true);
        errors.Check(request.TtlSeconds is null or (>= MinTtlSeconds and <= MaxTtlSeconds), "ttlSeconds", $"From {MinTtlSeconds} to {MaxTtlSeconds} seconds.");
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
            ReservationResult.KeyReused => Problems.Unprocessable(
                "This Idempotency-Key was used for a different reservation.",
                "Send the original request again to get its answer, or use a new key for a new reservation."),
            ReservationResult.Insufficient => Problems.Conflict(
                "Not enough stock.",
                "Nothing was reserved: " + string.Join("; ", outcome.Shortages.Select(s => $"album {s.AlbumId}: {s.Requested} requested, {s.Available} available")),
                new Dictionary<string, object?> { ["lines"] = outcome.Shortages.Select(s => new ShortLine(s.AlbumId, s.Requested, s.Available)).ToList() }),
            _ => UnknownAlbums(lines, outcome.Shortages),
        };
    }

    private static async Task<Results<Ok<ReservationResponse>, NotFoundProblem>> GetAsync(Guid reservationId, ClaimsPrincipal user, IGrainFactory grains) =>
        await FindAsync(reservationId, user, grains) is { } view ? TypedResults.Ok(ReservationResponse.From(view)) : NotFound(reservationId);

    private static async Task<Results<NoContent, NotFoundProblem, ConflictProblem>> ReleaseAsync(Guid reservationId, ClaimsPrincipal user, ReservationDesk desk)
    {
        var outcome = await desk.ReleaseAsync(reservationId, Callers.IsStaff(user) ? null : Callers.Id(user));
        return outcome.Result switch
        {
            ReservationResult.Ok => TypedResults.NoContent(),
            ReservationResult.NotFound => NotFound(reservationId),
            _ => WrongState(outcome),
        };
    }

    private static async Task<Results<Ok<ReservationResponse>, NotFoundProblem, ConflictProblem>> CommitAsync(Guid reservationId, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (await FindAsync(reservationId, user, grains) is null)
        {
            return NotFound(reservationId);
        }

        var outcome = await grains.GetGrain<IReservationGrain>(reservationId).CommitAsync(orderId: null);
        return outcome.Result == ReservationResult.Ok ? TypedResults.Ok(ReservationResponse.From(outcome.Reservation!)) : WrongState(outcome);
    }

    private static async Task<Results<Ok<ReservationResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> ExtendAsync(Guid reservationId, ExtendReservationRequest request, ClaimsPrincipal user, IGrainFactory grains)
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

        // Field names are built only for a line in error: this runs on every reservation of a flash sale.
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i]?.AlbumId is not { } albumId || albumId == Guid.Empty)
            {
                errors.Add($"lines[{i}].albumId", "An album id is required.");
            }

            if (lines[i]?.Quantity is not (> 0 and <= MaxUnitsPerLine))
            {
                errors.Add($"lines[{i}].quantity", $"From 1 to {MaxUnitsPerLine} units.");
            }
        }

        return !errors.IsEmpty ? []
            : lines.Count == 1 ? [new ReservationLine(lines[0]!.AlbumId!.Value, lines[0]!.Quantity!.Value)]
            : [.. lines.GroupBy(line => line!.AlbumId!.Value).OrderBy(group => group.Key)
                .Select(group => new ReservationLine(group.Key, group.Sum(line => line!.Quantity!.Value)))];
    }

    private static string RequestHash(IEnumerable<ReservationLine> lines, TimeSpan ttl) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join(';', lines.Select(line => $"{line.AlbumId:N}:{line.Quantity}")) + $"|{(long)ttl.TotalSeconds}")));

    /// <summary>The reservation when the caller may see it: staff see all, a storefront key only its own.</summary>
    private static async Task<ReservationView?> FindAsync(Guid reservationId, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<IReservationGrain>(reservationId).GetAsync() is { } view && (Callers.IsStaff(user) || view.Caller == Callers.Id(user))
            ? view
            : null;

    private static NotFoundProblem NotFound(Guid reservationId) =>
        Problems.NotFound("No such reservation.", $"Reservation {reservationId} does not exist.");

    private static ConflictProblem WrongState(ReservationOutcome outcome) =>
        Problems.Conflict(
            $"The reservation is {outcome.Reservation?.Status.ToString().ToLowerInvariant() ?? "gone"}.",
            "Only a held reservation can be committed, extended or released.");

    private static ValidationProblem UnknownAlbums(List<ReservationLine> lines, IReadOnlyList<LineShortage> shortages)
    {
        var errors = new FieldErrors();
        foreach (var shortage in shortages)
        {
            errors.Add($"lines[{lines.FindIndex(line => line.AlbumId == shortage.AlbumId)}].albumId", $"Album {shortage.AlbumId} does not exist or is out of stock.");
        }

        return errors.ToProblem();
    }
}
