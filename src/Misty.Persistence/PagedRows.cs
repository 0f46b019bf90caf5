using Npgsql;

namespace Misty.Persistence;

/// <summary>One page of a list endpoint's rows and the count of every row that matches, in one database round trip.</summary>
public static class PagedRows
{
    /// <param name="fromWhere">The FROM and WHERE clauses the count and the page share.</param>
    /// <param name="select">The page's SELECT list and the FROM, WHERE and ORDER BY that follow it; the page's LIMIT and OFFSET are added.</param>
    /// <param name="filter">Adds the parameters of the WHERE clause (once for the count, once for the page).</param>
    /// <param name="read">Reads one row of the page.</param>
    public static async Task<(List<T> Items, long Total)> ReadPageAsync<T>(
        this NpgsqlDataSource database,
        string fromWhere,
        string select,
        Action<NpgsqlParameterCollection> filter,
        int page,
        int pageSize,
        Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        var count = new NpgsqlBatchCommand($"SELECT count(*) {fromWhere}");
        filter(count.Parameters);
        var rows = new NpgsqlBatchCommand($"{select}\nLIMIT @limit OFFSET @offset");
        filter(rows.Parameters);
        rows.Parameters.AddWithValue("limit", pageSize);
        rows.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        batch.BatchCommands.Add(count);
        batch.BatchCommands.Add(rows);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var items = new List<T>(pageSize);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(read(reader));
        }

        return (items, total);
    }
}
