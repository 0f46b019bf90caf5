using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Audit;
using Misty.Persistence;
using Misty.Web.Api;
using Misty.Web.Security;
using Npgsql;
using NpgsqlTypes;

namespace Misty.Web.Audit;

public sealed record AuditEntryResponse(Guid LogId, DateTime CreatedAt, string Level, string? Action, string? Actor, string Message, JsonElement Metadata);

public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Items, int Page, int PageSize, long Total);

/// <summary>The audit trail (system_logs rows of source 'audit') for admins, newest first, searchable by actor, action, entity and time.</summary>
public static class AuditApi
{
    private const int MaxFilterLength = 200;

    private const string FromWhere = """
        FROM system_logs
        WHERE source = @source
          AND (@actor::text IS NULL OR metadata->>'actor' ILIKE @actor)
          AND (@action::text IS NULL OR metadata->>'action' LIKE @action)
          AND (@entity::text IS NULL OR metadata::text ILIKE @entity)
          AND (@from::timestamptz IS NULL OR created_at >= @from)
          AND (@to::timestamptz IS NULL OR created_at < @to)
        """;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/audit", (string? actor, string? action, string? entity, string? from, string? to, string? page, string? pageSize, NpgsqlDataSource database, CancellationToken cancellationToken) =>
                ListAsync(new(actor, action, entity, from, to, page, pageSize), database, cancellationToken))
            .WithTags("Audit")
            .RequireAuthorization(MistyPolicies.Admin)
            .WithName("listAuditEntries")
            .WithSummary("Audit entries, newest first: actor and entity match anywhere, action from its start (e.g. 'orders.'), from/to are instants.");
        return routes;
    }

    private sealed record AuditQuery(string? Actor, string? Action, string? Entity, string? From, string? To, string? Page, string? PageSize);

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAsync(AuditQuery query, NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var page = PageParameters.Page(query.Page, errors);
        var pageSize = PageParameters.PageSize(query.PageSize, errors);
        var from = Instant(query.From, "from", errors);
        var to = Instant(query.To, "to", errors);
        foreach (var (field, value) in new[] { ("actor", query.Actor), ("action", query.Action), ("entity", query.Entity) })
        {
            errors.Check(value is null || value.Length <= MaxFilterLength, field, $"At most {MaxFilterLength} characters.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (items, total) = await database.ReadPageAsync(FromWhere,
            $"""
            SELECT log_id, created_at, log_level::text, metadata->>'action', metadata->>'actor', message, metadata::text
            {FromWhere}
            ORDER BY created_at DESC, log_id
            """,
            parameters =>
            {
                parameters.AddWithValue("source", PostgresAuditLog.Source);
                parameters.Add(Text("actor", Contains(query.Actor)));
                parameters.Add(Text("action", query.Action is { Length: > 0 } action ? SqlLike.Escape(action) + "%" : null));
                parameters.Add(Text("entity", Contains(query.Entity)));
                parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)from ?? DBNull.Value });
                parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)to ?? DBNull.Value });
            },
            page, pageSize, ReadEntry, cancellationToken);
        return TypedResults.Ok(new AuditPage(items, page, pageSize, total));
    }

    private static AuditEntryResponse ReadEntry(NpgsqlDataReader reader)
    {
        using var metadata = JsonDocument.Parse(reader.GetString(6));
        return new AuditEntryResponse(reader.GetGuid(0), reader.GetDateTime(1), reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5),
            metadata.RootElement.Clone());
    }

    private static DateTime? Instant(string? value, string field, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var valid = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant);
        errors.Check(valid, field, "A date or an ISO 8601 instant.");
        return valid ? instant.UtcDateTime : null;
    }

    private static string? Contains(string? value) => value is { Length: > 0 } text ? SqlLike.Contains(text) : null;

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };
}
