using Misty.Persistence;
using Npgsql;

namespace Misty.Web.Dashboard;

/// <summary>The one query shape dashboard sections load their rows with: a statement capped by <c>@limit</c>.</summary>
public static class SectionRows
{
    /// <summary>Runs <paramref name="sql"/> with <c>@limit</c> bound to <paramref name="limit"/> and maps each row.</summary>
    public static Task<List<TRow>> ReadAsync<TRow>(this NpgsqlDataSource database, string sql, int limit,
        Func<NpgsqlDataReader, TRow> row, CancellationToken cancellationToken) =>
        database.ReadRowsAsync(sql, parameters => parameters.AddWithValue("limit", limit), row, cancellationToken);
}
