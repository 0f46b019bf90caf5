using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Catalog;

public static class AlbumsApi
{
    public const int EarliestReleaseYear = 1900;
    /// <summary>Far above any record's price, far below numeric(12,2)'s limit: larger amounts are typing mistakes.</summary>
    public const decimal MaxAmount = 10_000_000m;
    private const int MaxDescriptionLength = 10_000;
    private const int MaxFilterLength = 300;

    /// <summary>The Goldmine grades of the albums.condition CHECK, best first.</summary>
    public static readonly IReadOnlyList<string> Grades = ["M", "NM", "VG+", "VG", "G+", "G", "F", "P"];

    public static IServiceCollection AddCatalogWeb(this IServiceCollection services) => services.AddSingleton<AlbumCatalog>();

    public static IEndpointRouteBuilder MapAlbumsApi(this IEndpointRouteBuilder routes)
    {
        var albums = routes.MapGroup("/api/albums").WithTags("Albums");
        albums.MapPost("", CreateAsync).WithName("createAlbum")
            .RequireAuthorization(MistyPolicies.Manager)
            .WithSummary("Adds an album to the catalogue, with its genre and label (created when new) and an empty inventory.");
        albums.MapGet("/{albumId:guid}", GetAsync).WithName("getAlbum")
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("One album of the catalogue.");
        albums.MapGet("", ListAsync).WithName("listAlbums")
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("Searches the catalogue (title, artist or sku), optionally by genre and artist, a page at a time.");
        return routes;
    }

    private static async Task<Results<Created<AlbumResponse>, ValidationProblem, ConflictProblem>> CreateAsync(
        CreateAlbumRequest request, AlbumCatalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var album = Validate(request, clock.GetUtcNow().Year, errors);
        if (album is null)
        {
            return errors.ToProblem();
        }

        var created = await catalog.TryCreateAsync(album, cancellationToken);
        return created is null
            ? Problems.Conflict("The sku is already in the catalogue.", $"Another album already has sku '{album.Sku}'.")
            : TypedResults.Created($"/api/albums/{created.AlbumId}", created);
    }

    private static async Task<Results<Ok<AlbumResponse>, NotFoundProblem>> GetAsync(Guid albumId, ClaimsPrincipal user, AlbumCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.FindAsync(albumId, cancellationToken) is { } album
            ? TypedResults.Ok(ForCaller(album, user))
            : Problems.NotFound("No such album.", $"There is no album {albumId}.");

    // Paging arrives as text so that a non-number is reported against its field like any other bad value.
    private static async Task<Results<Ok<AlbumPage>, ValidationProblem>> ListAsync(
        string? search, string? genre, string? artist, string? page, string? pageSize, ClaimsPrincipal user, AlbumCatalog catalog,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var query = new AlbumQuery(
            Search: Filter(search, "search", errors),
            Genre: Filter(genre, "genre", errors),
            Artist: Filter(artist, "artist", errors),
            Page: PageParameters.Page(page, errors),
            PageSize: PageParameters.PageSize(pageSize, errors));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var found = await catalog.ListAsync(query, cancellationToken);
        return TypedResults.Ok(found with { Items = [.. found.Items.Select(album => ForCaller(album, user))] });
    }

    /// <summary>The wholesale cost is the shop's business: a storefront caller gets null.</summary>
    private static AlbumResponse ForCaller(AlbumResponse album, ClaimsPrincipal user) => Callers.IsStaff(user) ? album : album with { Cost = null };

    /// <returns>The normalized album, or null when <paramref name="errors"/> names at least one bad field.</returns>
    private static NewAlbum? Validate(CreateAlbumRequest request, int currentYear, FieldErrors errors)
    {
        // Lengths are the schema's column sizes.
        var sku = errors.RequiredText(request.Sku, "sku", 64);
        var title = errors.RequiredText(request.Title, "title", 300);
        var artist = errors.RequiredText(request.Artist, "artist", 300);
        var genre = errors.RequiredText(request.Genre, "genre", 100);
        var label = errors.RequiredText(request.Label, "label", 200);
        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        errors.Check(description is null || description.Length <= MaxDescriptionLength, "description",
            $"At most {MaxDescriptionLength} characters.");
        // A release announced for next year may be catalogued (pre-orders).
        var latestYear = currentYear + 1;
        errors.Check(request.ReleaseYear is { } year && year >= EarliestReleaseYear && year <= latestYear, "releaseYear",
            $"A release year from {EarliestReleaseYear} to {latestYear} is required.");
        CheckAmount(request.Price, "price", required: true, errors);
        CheckAmount(request.Cost, "cost", required: true, errors);
        CheckAmount(request.EstimatedValue, "estimatedValue", required: false, errors);
        var grade = request.Condition?.Trim();
        var condition = Grades.FirstOrDefault(known => string.Equals(known, grade, StringComparison.OrdinalIgnoreCase));
        errors.Check(condition is not null, "condition", $"A Goldmine grade is required: one of {string.Join(", ", Grades)}.");

        return errors.IsEmpty
            ? new NewAlbum(sku!, title!, artist!, genre!, label!, request.ReleaseYear!.Value, request.Price!.Value, request.Cost!.Value,
                condition!, description, request.IsRare ?? false, request.EstimatedValue)
            : null;
    }

    /// <summary>Money columns are numeric(12,2): more decimals would be rounded away silently.</summary>
    private static void CheckAmount(decimal? value, string field, bool required, FieldErrors errors)
    {
        if (value is not { } amount)
        {
            errors.Check(!required, field, "Required.");
            return;
        }

        errors.Check(amount >= 0 && amount <= MaxAmount && decimal.Round(amount, 2) == amount, field,
            $"An amount from 0 to {MaxAmount.ToString("N0", CultureInfo.InvariantCulture)} with at most two decimals.");
    }

    private static string? Filter(string? value, string field, FieldErrors errors)
    {
        var text = value?.Trim();
        errors.Check(text is null || text.Length <= MaxFilterLength, field, $"At most {MaxFilterLength} characters.");
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
