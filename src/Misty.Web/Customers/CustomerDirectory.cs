using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Customers;
using Misty.Persistence;
using Misty.Web.Api;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Web.Customers;

/// <summary>Searches customers in their rows (the projection of the customer grains), with each one's latest segment.</summary>
public sealed class CustomerDirectory(NpgsqlDataSource database)
{
    private const string FromWhere = """
        FROM customers c
        LEFT JOIN LATERAL (
            SELECT segment_type, segment_score FROM customer_segments
            WHERE customer_id = c.customer_id ORDER BY assigned_date DESC, created_at DESC LIMIT 1) s ON true
        WHERE c.deleted_at IS NULL
          AND (@search IS NULL OR c.email ILIKE @search OR c.first_name ILIKE @search OR c.last_name ILIKE @search
               OR (c.first_name || ' ' || c.last_name) ILIKE @search)
          AND (@segment IS NULL OR s.segment_type = @segment::segment_type)
        """;

    /// <param name="search">Matched anywhere in the email or name, case-insensitively.</param>
    public async Task<CustomerPage> SearchAsync(string? search, SegmentType? segment, int page, int pageSize, CancellationToken cancellationToken)
    {
        var (items, total) = await database.ReadPageAsync(FromWhere,
            $"""
            SELECT c.customer_id, c.email, c.first_name, c.last_name, c.lifetime_value, c.total_purchases, c.status::text,
                   s.segment_type::text, s.segment_score
            {FromWhere}
            ORDER BY c.last_name, c.first_name, c.customer_id
            """,
            parameters => AddFilter(parameters, search, segment),
            page, pageSize,
            reader => new CustomerSummaryResponse(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetDecimal(4), reader.GetInt32(5), SchemaNames.Parse<CustomerStatus>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : SchemaNames.Parse<SegmentType>(reader.GetString(7)),
                reader.IsDBNull(8) ? null : reader.GetDecimal(8)),
            cancellationToken);
        return new CustomerPage(items, page, pageSize, total);
    }

    private static void AddFilter(NpgsqlParameterCollection parameters, string? search, SegmentType? segment)
    {
        parameters.Add(new NpgsqlParameter("search", NpgsqlDbType.Text) { Value = search is null ? DBNull.Value : SqlLike.Contains(search) });
        parameters.Add(new NpgsqlParameter("segment", NpgsqlDbType.Text) { Value = segment is { } type ? SchemaNames.Of(type) : DBNull.Value });
    }
}
