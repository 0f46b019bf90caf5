using Npgsql;
using NpgsqlTypes;

namespace Misty.Web.Integrations;

public sealed class PostgresIntegrationStore(NpgsqlDataSource database) : IIntegrationStore
{
    private const string Columns =
        "integration_id, service_name, category, connected, settings::text, credentials::text, last_sync, created_at, updated_at";

    public async Task<IReadOnlyList<IntegrationRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM integrations WHERE deleted_at IS NULL ORDER BY service_name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var integrations = new List<IntegrationRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            integrations.Add(Read(reader));
        }

        return integrations;
    }

    public async Task<IntegrationRecord?> FindAsync(string serviceName, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM integrations WHERE service_name = @name AND deleted_at IS NULL");
        command.Parameters.AddWithValue("name", serviceName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<(IntegrationRecord Record, bool Created)> UpsertAsync(IntegrationUpdate update, CancellationToken cancellationToken)
    {
        // xmax is 0 exactly for a row this statement inserted.
        await using var command = database.CreateCommand(
            $$"""
            INSERT INTO integrations (service_name, category, connected, settings, credentials)
            VALUES (@name, @category, @connected, @settings, coalesce(@credentials, '{}'::jsonb))
            ON CONFLICT (service_name) WHERE deleted_at IS NULL DO UPDATE SET
                category = EXCLUDED.category, connected = EXCLUDED.connected, settings = EXCLUDED.settings,
                credentials = coalesce(@credentials, integrations.credentials)
            RETURNING {{Columns}}, xmax = 0
            """);
        command.Parameters.AddWithValue("name", update.ServiceName);
        command.Parameters.Add(new NpgsqlParameter("category", NpgsqlDbType.Varchar) { Value = (object?)update.Category ?? DBNull.Value });
        command.Parameters.AddWithValue("connected", update.Connected);
        command.Parameters.AddWithValue("settings", NpgsqlDbType.Jsonb, update.SettingsJson);
        command.Parameters.Add(new NpgsqlParameter("credentials", NpgsqlDbType.Jsonb) { Value = (object?)update.Credentials?.ToJson() ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (Read(reader), reader.GetBoolean(9));
    }

    private static IntegrationRecord Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetBoolean(3),
        reader.GetString(4),
        StoredCredentials.FromJson(reader.GetString(5)),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetFieldValue<DateTimeOffset>(7),
        reader.GetFieldValue<DateTimeOffset>(8));
}
