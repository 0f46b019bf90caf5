using Misty.Grains.Interfaces.Cases;
using Misty.Web.Dashboard;
using Npgsql;

namespace Misty.Web.Cases;

/// <summary>The dashboard's open cases (pending or in progress), from their rows, shaped as their change events.</summary>
public sealed class OpenCasesSection(NpgsqlDataSource database) : IDashboardSection<CaseChanged>
{
    /// <summary>The overview counts open cases by priority, so it needs them all; a store with more open has other problems.</summary>
    public const int Limit = 2_000;

    private const string Sql = """
        SELECT case_id, case_number, status::text, priority::text, ai_sentiment, assigned_to, version, updated_at
        FROM cases
        WHERE status IN ('pending', 'in_progress')
        ORDER BY created_at DESC
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<CaseChanged>> LoadAsync(CancellationToken cancellationToken) =>
        await database.ReadAsync(Sql, Limit, reader => new CaseChanged(reader.GetGuid(0), reader.GetString(1),
            SchemaNames.Parse<CaseStatus>(reader.GetString(2)), SchemaNames.Parse<CasePriority>(reader.GetString(3)),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetInt64(6),
            reader.GetFieldValue<DateTimeOffset>(7)), cancellationToken);
}
