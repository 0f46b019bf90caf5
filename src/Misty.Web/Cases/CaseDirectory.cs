using System.Text;
using Misty.Grains.Interfaces.Cases;
using Misty.Persistence;
using Misty.Web.Api;
using Npgsql;

namespace Misty.Web.Cases;

/// <summary>
/// Reads of the case rows (projections of the case grains) that no single grain can answer: lists, a case by its
/// number, a customer by email.
/// </summary>
public sealed class CaseDirectory(NpgsqlDataSource database)
{
    public async Task<CasePage<CaseSummary>> ListAsync(CaseQuery query, CancellationToken cancellationToken)
    {
        var (where, parameters) = Filter(query);
        var (items, total) = await database.ReadPageAsync($"FROM cases {where}",
            $"""
            SELECT case_id, case_number, customer_id, subject, category::text, priority::text, status::text, assigned_to, ai_sentiment,
                   ai_score, escalated, first_response_due_at, resolution_due_at, created_at, resolved_at, updated_at, version
            FROM cases {where}
            ORDER BY created_at DESC, case_id
            """,
            values =>
            {
                foreach (var (name, value) in parameters)
                {
                    values.AddWithValue(name, value);
                }
            },
            query.Page, query.PageSize,
            reader => new CaseSummary(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetGuid(2),
                reader.GetString(3),
                SchemaNames.Parse<CaseCategory>(reader.GetString(4)),
                SchemaNames.Parse<CasePriority>(reader.GetString(5)),
                SchemaNames.Parse<CaseStatus>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetGuid(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetInt32(9),
                reader.GetBoolean(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                reader.GetFieldValue<DateTimeOffset>(13),
                reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
                reader.GetFieldValue<DateTimeOffset>(15),
                reader.GetInt64(16)),
            cancellationToken);
        return new CasePage<CaseSummary>(items, query.Page, query.PageSize, total);
    }

    /// <returns>The case with this number and its customer, or null when no row has it.</returns>
    public async Task<(Guid CaseId, Guid CustomerId)?> FindByNumberAsync(string caseNumber, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT case_id, customer_id FROM cases WHERE case_number = @number");
        command.Parameters.AddWithValue("number", caseNumber);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetGuid(1)) : null;
    }

    /// <returns>The customer with this email address (compared without case), or null.</returns>
    public async Task<Guid?> FindCustomerByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT customer_id FROM customers WHERE lower(email) = lower(@email) AND deleted_at IS NULL ORDER BY created_at LIMIT 1");
        command.Parameters.AddWithValue("email", email);
        return await command.ExecuteScalarAsync(cancellationToken) is Guid customerId ? customerId : null;
    }

    /// <summary>The WHERE clause of a query's filters (fixed SQL fragments) and their parameters.</summary>
    private static (string Where, List<(string Name, object Value)> Parameters) Filter(CaseQuery query)
    {
        var where = new StringBuilder("WHERE true");
        var parameters = new List<(string Name, object Value)>();
        if (query.Status is { } status)
        {
            where.Append(" AND status = @status::case_status");
            parameters.Add(("status", SchemaNames.Of(status)));
        }

        if (query.Priority is { } priority)
        {
            where.Append(" AND priority = @priority::priority_level");
            parameters.Add(("priority", SchemaNames.Of(priority)));
        }

        if (query.Unassigned)
        {
            where.Append(" AND assigned_to IS NULL");
        }
        else if (query.AssignedTo is { } assignedTo)
        {
            where.Append(" AND assigned_to = @assigned");
            parameters.Add(("assigned", assignedTo));
        }

        if (query.CustomerId is { } customerId)
        {
            where.Append(" AND customer_id = @customer");
            parameters.Add(("customer", customerId));
        }

        return (where.ToString(), parameters);
    }
}
