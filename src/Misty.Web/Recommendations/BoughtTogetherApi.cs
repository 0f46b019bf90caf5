using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Web.Api;
using Misty.Web.Inventory;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Web.Recommendations;

/// <param name="Orders">Orders (not cancelled) that had both albums.</param>
public sealed record BoughtTogetherResponse(Guid AlbumId, string Title, string Artist, int Orders);

/// <summary>
/// Albums bought in the same orders as one album, for its page: ranked by shared orders, each discounted by the square
/// root of how many orders that other album is in, so a best seller that is in every basket does not top every list.
/// </summary>
public sealed class BoughtTogether(NpgsqlDataSource database)
{
    public const int DefaultLimit = 5;
    public const int MaxLimit = 20;

    private const string Sql = """
        WITH mine AS (
            SELECT DISTINCT i.order_id
            FROM order_items i JOIN orders o ON o.order_id = i.order_id AND o.status <> 'cancelled'
            WHERE i.album_id = @album),
        together AS (
            SELECT other.album_id, count(DISTINCT other.order_id)::int AS shared
            FROM mine JOIN order_items other ON other.order_id = mine.order_id AND other.album_id <> @album
            GROUP BY other.album_id),
        reach AS (
            SELECT i.album_id, count(DISTINCT i.order_id) AS orders
            FROM order_items i JOIN together USING (album_id)
            GROUP BY i.album_id)
        SELECT a.album_id, a.title, a.artist, together.shared
        FROM together JOIN reach USING (album_id) JOIN albums a ON a.album_id = together.album_id AND a.deleted_at IS NULL
        ORDER BY together.shared / sqrt(reach.orders) DESC, together.shared DESC, a.title, a.album_id
        LIMIT @limit
        """;

    /// <returns>The albums, or null when there is no such album.</returns>
    public async Task<List<BoughtTogetherResponse>?> ReadAsync(Guid albumId, int limit, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(BatchCommands.Of("SELECT EXISTS (SELECT 1 FROM albums WHERE album_id = @album AND deleted_at IS NULL)", ("album", albumId)));
        batch.BatchCommands.Add(BatchCommands.Of(Sql, ("album", albumId), ("limit", limit)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || !reader.GetBoolean(0))
        {
            return null;
        }

        await reader.NextResultAsync(cancellationToken);
        var albums = new List<BoughtTogetherResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            albums.Add(new BoughtTogetherResponse(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
        }

        return albums;
    }
}

public static class BoughtTogetherApi
{
    public static IServiceCollection AddBoughtTogetherWeb(this IServiceCollection services) => services.AddSingleton<BoughtTogether>();

    public static IEndpointRouteBuilder MapBoughtTogetherApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/albums/{albumId:guid}/bought-together", ListAsync).WithTags("Recommendations")
            .RequireAuthorization(MistyPolicies.Storefront).WithName("getBoughtTogether")
            .WithSummary("Albums bought in the same orders as this one, the most telling first.");
        return routes;
    }

    /// <param name="limit">How many albums: 1 to 20 (default 5).</param>
    private static async Task<Results<Ok<List<BoughtTogetherResponse>>, ValidationProblem, NotFoundProblem>> ListAsync(
        Guid albumId, string? limit, BoughtTogether together, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var count = QueryValues.WholeNumber(limit, "limit", BoughtTogether.DefaultLimit, BoughtTogether.MaxLimit, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await together.ReadAsync(albumId, count, cancellationToken) is { } albums ? TypedResults.Ok(albums) : InventoryApi.AlbumNotFound(albumId);
    }
}
