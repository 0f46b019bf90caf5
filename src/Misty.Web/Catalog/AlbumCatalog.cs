using Misty.Grains.Interfaces.Knowledge;
using Misty.Grains.Knowledge;
using Misty.Persistence;
using Misty.Web.Api;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Web.Catalog;

/// <summary>
/// The album catalogue in PostgreSQL: albums with their genre and label, and the inventory row that each album's
/// inventory grain loads its first state from. A new album is announced to the knowledge index.
/// </summary>
public sealed class AlbumCatalog(NpgsqlDataSource database, KnowledgeNotices knowledge)
{
    /// <summary>Stock thresholds a new album starts with, until staff tune them for the title.</summary>
    public const int DefaultReorderPoint = 2;
    public const int DefaultOptimalStockLevel = 10;

    private const string SkuConstraint = "idx_albums_sku";

    private const string AlbumColumns = """
        a.album_id, a.sku, a.title, a.artist, a.genre_id, g.name, a.label_id, l.name, a.release_year, a.price, a.cost,
        a.condition, a.description, a.is_rare, a.estimated_value, a.created_at, a.updated_at
        """;

    private const string LookupJoins = """
        LEFT JOIN genres g ON g.genre_id = a.genre_id
        LEFT JOIN labels l ON l.label_id = a.label_id
        """;

    // The inventory row is written by the same statement as the album, so no album ever lacks one.
    private const string InsertAlbumSql = $"""
        WITH a AS (
            INSERT INTO albums (sku, title, artist, genre_id, label_id, release_year, price, cost, condition,
                                description, is_rare, estimated_value)
            VALUES (@sku, @title, @artist, @genre_id, @label_id, @release_year, @price, @cost, @condition,
                    @description, @is_rare, @estimated_value)
            RETURNING *),
        stock AS (
            INSERT INTO inventory (album_id, quantity, reserved_quantity, reorder_point, optimal_stock_level, version)
            SELECT album_id, 0, 0, @reorder_point, @optimal_stock_level, 0 FROM a)
        SELECT {AlbumColumns} FROM a {LookupJoins}
        """;

    private static readonly NamedLookup Genres = new("genres", "genre_id");
    private static readonly NamedLookup Labels = new("labels", "label_id");

    /// <returns>The stored album, or null when another album already has its sku (then nothing was written).</returns>
    public async Task<AlbumResponse?> TryCreateAsync(NewAlbum album, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        // One transaction: a refused album leaves no new genre or label behind.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Always genre before label, so two concurrent creations wait on each other instead of deadlocking.
        var genreId = await Genres.EnsureAsync(connection, album.Genre, cancellationToken);
        var labelId = await Labels.EnsureAsync(connection, album.Label, cancellationToken);
        try
        {
            var created = await InsertAsync(connection, album, genreId, labelId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await knowledge.ChangedAsync(KnowledgeKinds.Album, created.AlbumId);
            return created;
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: SkuConstraint })
        {
            // Disposing the transaction rolls back the genre and label it may have created.
            return null;
        }
    }

    /// <returns>The album, or null when there is none or it was deleted.</returns>
    public async Task<AlbumResponse?> FindAsync(Guid albumId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT {AlbumColumns} FROM albums a {LookupJoins} WHERE a.album_id = @id AND a.deleted_at IS NULL");
        command.Parameters.AddWithValue("id", albumId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAlbum(reader) : null;
    }

    public async Task<AlbumPage> ListAsync(AlbumQuery query, CancellationToken cancellationToken)
    {
        var filter = AlbumFilter.From(query);
        var (items, total) = await database.ReadPageAsync($"FROM albums a {LookupJoins} WHERE {filter.Where}",
            $"""
            SELECT {AlbumColumns} FROM albums a {LookupJoins} WHERE {filter.Where}
            ORDER BY a.artist, a.title, a.album_id
            """,
            filter.AddParameters, query.Page, query.PageSize, ReadAlbum, cancellationToken);
        return new AlbumPage(items, query.Page, query.PageSize, total);
    }

    private static async Task<AlbumResponse> InsertAsync(
        NpgsqlConnection connection, NewAlbum album, Guid genreId, Guid labelId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertAlbumSql, connection);
        command.Parameters.AddWithValue("sku", album.Sku);
        command.Parameters.AddWithValue("title", album.Title);
        command.Parameters.AddWithValue("artist", album.Artist);
        command.Parameters.AddWithValue("genre_id", genreId);
        command.Parameters.AddWithValue("label_id", labelId);
        command.Parameters.AddWithValue("release_year", album.ReleaseYear);
        command.Parameters.AddWithValue("price", album.Price);
        command.Parameters.AddWithValue("cost", album.Cost);
        command.Parameters.AddWithValue("condition", album.Condition);
        command.Parameters.AddWithValue("description", NpgsqlDbType.Text, (object?)album.Description ?? DBNull.Value);
        command.Parameters.AddWithValue("is_rare", album.IsRare);
        command.Parameters.AddWithValue("estimated_value", NpgsqlDbType.Numeric, (object?)album.EstimatedValue ?? DBNull.Value);
        command.Parameters.AddWithValue("reorder_point", DefaultReorderPoint);
        command.Parameters.AddWithValue("optimal_stock_level", DefaultOptimalStockLevel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ReadAlbum(reader);
    }

    /// <summary>Reads one row of <see cref="AlbumColumns"/>.</summary>
    private static AlbumResponse ReadAlbum(NpgsqlDataReader reader) => new(
        AlbumId: reader.GetGuid(0),
        Sku: reader.GetString(1),
        Title: reader.GetString(2),
        Artist: reader.GetString(3),
        GenreId: reader.GetFieldValue<Guid?>(4),
        Genre: NullableString(reader, 5),
        LabelId: reader.GetFieldValue<Guid?>(6),
        Label: NullableString(reader, 7),
        ReleaseYear: reader.GetFieldValue<int?>(8),
        Price: reader.GetDecimal(9),
        Cost: reader.GetFieldValue<decimal?>(10),
        Condition: NullableString(reader, 11),
        Description: NullableString(reader, 12),
        IsRare: reader.GetBoolean(13),
        EstimatedValue: reader.GetFieldValue<decimal?>(14),
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(15),
        UpdatedAt: reader.GetFieldValue<DateTimeOffset>(16));

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// A lookup table keyed by a unique name (genres, labels). Names match case-insensitively, so "jazz" files under
    /// an existing "Jazz"; a soft-deleted row is reused as it is (restoring it is a catalogue decision, not a side effect).
    /// </summary>
    private sealed record NamedLookup(string Table, string IdColumn)
    {
        public async Task<Guid> EnsureAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
        {
            // When two callers create the same new name at once, the loser's insert waits for the winner and does
            // nothing; the following SELECT is a new statement, so it sees the winner's committed row.
            await using var insert = new NpgsqlCommand(
                $"""
                INSERT INTO {Table} (name) SELECT @name
                WHERE NOT EXISTS (SELECT 1 FROM {Table} WHERE lower(name) = lower(@name))
                ON CONFLICT (name) DO NOTHING
                """, connection);
            insert.Parameters.AddWithValue("name", name);
            await insert.ExecuteNonQueryAsync(cancellationToken);

            await using var select = new NpgsqlCommand(
                $"""
                SELECT {IdColumn} FROM {Table} WHERE lower(name) = lower(@name)
                ORDER BY deleted_at IS NULL DESC, name = @name DESC, created_at, {IdColumn}
                LIMIT 1
                """, connection);
            select.Parameters.AddWithValue("name", name);
            return (Guid)(await select.ExecuteScalarAsync(cancellationToken))!;
        }
    }

    /// <summary>The WHERE clause of a list query: fixed SQL fragments, the caller's text only in parameters.</summary>
    private sealed record AlbumFilter(string Where, IReadOnlyList<KeyValuePair<string, string>> Values)
    {
        public static AlbumFilter From(AlbumQuery query)
        {
            var conditions = new List<string> { "a.deleted_at IS NULL" };
            var values = new List<KeyValuePair<string, string>>();
            if (query.Search is { } search)
            {
                conditions.Add("(a.title ILIKE @search OR a.artist ILIKE @search OR a.sku ILIKE @search)");
                values.Add(new("search", SqlLike.Contains(search)));
            }

            // Without wildcards, ILIKE is a case-insensitive equality.
            if (query.Genre is { } genre)
            {
                conditions.Add("g.name ILIKE @genre");
                values.Add(new("genre", SqlLike.Escape(genre)));
            }

            if (query.Artist is { } artist)
            {
                conditions.Add("a.artist ILIKE @artist");
                values.Add(new("artist", SqlLike.Escape(artist)));
            }

            return new AlbumFilter(string.Join(" AND ", conditions), values);
        }

        public void AddParameters(NpgsqlParameterCollection parameters)
        {
            foreach (var (name, value) in Values)
            {
                parameters.AddWithValue(name, value);
            }
        }
    }
}
