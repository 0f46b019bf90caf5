namespace Misty.Web.Catalog;

/// <summary>
/// The body of POST /api/albums. Every member is nullable so that a missing field reaches validation and is
/// named in the answer, instead of failing JSON binding as a whole.
/// </summary>
public sealed record CreateAlbumRequest(
    string? Sku,
    string? Title,
    string? Artist,
    string? Genre,
    string? Label,
    int? ReleaseYear,
    decimal? Price,
    decimal? Cost,
    string? Condition,
    string? Description,
    bool? IsRare,
    decimal? EstimatedValue);

/// <summary>An album as the API shows it: the albums row with its genre and label names.</summary>
/// <remarks>Genre, label, year, cost and condition are nullable in the schema (older or ungraded stock).</remarks>
public sealed record AlbumResponse(
    Guid AlbumId,
    string Sku,
    string Title,
    string Artist,
    Guid? GenreId,
    string? Genre,
    Guid? LabelId,
    string? Label,
    int? ReleaseYear,
    decimal Price,
    decimal? Cost,
    string? Condition,
    string? Description,
    bool IsRare,
    decimal? EstimatedValue,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record AlbumPage(IReadOnlyList<AlbumResponse> Items, int Page, int PageSize, long Total);

/// <summary>A validated, normalized new album: what the catalog writes.</summary>
public sealed record NewAlbum(
    string Sku,
    string Title,
    string Artist,
    string Genre,
    string Label,
    int ReleaseYear,
    decimal Price,
    decimal Cost,
    string Condition,
    string? Description,
    bool IsRare,
    decimal? EstimatedValue);

/// <summary>A validated list query; null filters are not applied.</summary>
public sealed record AlbumQuery(string? Search, string? Genre, string? Artist, int Page, int PageSize);
