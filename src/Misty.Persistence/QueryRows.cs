using Npgsql;

namespace Misty.Persistence;

/// <summary>The one way a statement's rows are read into a list.</summary>
public static class QueryRows
{
    /// <param name="parameters">Adds the statement's parameters.</param>
    /// <param name="read">Reads one row.</param>
    public static async Task<List<T>> ReadRowsAsync<T>(this NpgsqlDataSource database, string sql, Action<NpgsqlParameterCollection> parameters,
        Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        parameters(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
