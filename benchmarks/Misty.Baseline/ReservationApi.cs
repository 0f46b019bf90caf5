using Microsoft.AspNetCore.Http.HttpResults;

namespace Misty.Baseline;

/// <summary>The same reservation endpoints and answers as Misty's, over <see cref="ReservationStore"/>.</summary>
public static class ReservationApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    private const int MaxIdempotencyKeyLength = 255;

    public static IEndpointRouteBuilder MapReservationApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").AddEndpointFilter<StorefrontKeyFilter>();
        api.MapPost("/reservations", ReserveAsync);
        api.MapDelete("/reservations/{reservationId:guid}", ReleaseAsync);
        api.MapPut("/stock/{albumId:guid}", SetStockAsync);
        return routes;
    }

    private static async Task<IResult> ReserveAsync(
        HttpRequest http, ReserveRequest request, ReservationStore store, CancellationToken cancellationToken)
    {
        var key = http.Headers[IdempotencyKeyHeader].ToString();
        if (key.Length is 0 or > MaxIdempotencyKeyLength)
        {
            return TypedResults.Problem(
                title: $"An {IdempotencyKeyHeader} header of 1 to {MaxIdempotencyKeyLength} characters is required.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var (order, errors) = ReservationOrder.Parse(request);
        if (order is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await store.ReserveAsync(key, order, cancellationToken) switch
        {
            ReserveOutcome.Created created => Created(created.Answer),
            ReserveOutcome.Replayed replayed => Created(replayed.Answer),
            ReserveOutcome.KeyReused => TypedResults.Problem(
                title: $"This {IdempotencyKeyHeader} was already used for a different request.",
                statusCode: StatusCodes.Status422UnprocessableEntity),
            ReserveOutcome.ShortStock shortStock => TypedResults.Problem(
                title: "Not enough stock.",
                detail: $"Album {shortStock.AlbumId} has fewer units available than requested.",
                statusCode: StatusCodes.Status409Conflict),
            ReserveOutcome.UnknownAlbum unknown => TypedResults.Problem(
                title: "Unknown album.",
                detail: $"Album {unknown.AlbumId} has no stock record.",
                statusCode: StatusCodes.Status404NotFound),
            var other => throw new InvalidOperationException($"Unhandled reservation outcome {other}."),
        };
    }

    private static async Task<IResult> ReleaseAsync(Guid reservationId, ReservationStore store, CancellationToken cancellationToken) =>
        await store.ReleaseAsync(reservationId, cancellationToken) == ReleaseOutcome.NotFound
            ? TypedResults.Problem(title: "Unknown reservation.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.NoContent();

    private static async Task<IResult> SetStockAsync(Guid albumId, StockLevel level, ReservationStore store, CancellationToken cancellationToken)
    {
        if (level.Quantity < 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["quantity"] = ["quantity must not be negative."] });
        }

        return await store.SetStockAsync(albumId, level.Quantity, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(title: "Quantity is below what is already reserved.", statusCode: StatusCodes.Status409Conflict);
    }

    private static Created<ReservationAnswer> Created(ReservationAnswer answer) => TypedResults.Created($"/api/reservations/{answer.ReservationId}", answer);
}
