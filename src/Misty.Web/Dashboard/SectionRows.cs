using Npgsql;

namespace Misty.Web.Dashboard;

/// <summary>The one query shape dashboard sections load their rows with: a statement capped by <c>@limit</c>.</summary>
public static class SectionRows
{
    /// <summary>Runs <paramref name="sql"/> with <c>@limit</c> bound to <paramref name="limit"/> and maps each row.</summary>
    public static async Task<List<TRow>> ReadAsync<TRow>(this NpgsqlDataSource database, string sql, int limit,
        Func<NpgsqlDataReader, TRow> row, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<TRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(row(reader));
        }

        return rows;
    }
}
