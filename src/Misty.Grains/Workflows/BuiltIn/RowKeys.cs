using System.Runtime.CompilerServices;
using Npgsql;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Reads the uuid keys a sweep visits a page at a time, in key order, so a sweep over every customer never holds one
/// large result or a long-running query.
/// </summary>
public sealed class RowKeys(NpgsqlDataSource database)
{
    /// <param name="query">Selects one uuid column for rows whose key is greater than <c>@after</c>, ordered by it, <c>LIMIT @limit</c>.</param>
    public async IAsyncEnumerable<IReadOnlyList<Guid>> PagesAsync(string query, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = Guid.Empty;
        while (true)
        {
            var page = new List<Guid>(pageSize);
            await using (var command = database.CreateCommand(query))
            {
                command.Parameters.AddWithValue("after", after);
                command.Parameters.AddWithValue("limit", pageSize);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add(reader.GetGuid(0));
                }
            }

            if (page.Count == 0)
            {
                yield break;
            }

            yield return page;
            if (page.Count < pageSize)
            {
                yield break;
            }

            after = page[^1];
        }
    }
}
