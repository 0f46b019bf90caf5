using Npgsql;

namespace Misty.Web.Security;

public sealed class PostgresCredentialStore(NpgsqlDataSource database) : ICredentialStore
{
    public async Task<StaffAccount?> FindUserByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT user_id, email, password_hash, first_name, last_name, role::text, active
            FROM users WHERE lower(email) = lower(@email) AND deleted_at IS NULL
            """);
        command.Parameters.AddWithValue("email", email);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StaffAccount(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetBoolean(6))
            : null;
    }

    public async Task<bool> AnyAdminAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND deleted_at IS NULL)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task AddUserAsync(StaffAccount account, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO users (user_id, email, password_hash, first_name, last_name, role, active)
            VALUES (@id, @email, @hash, @first, @last, @role::user_role, @active)
            """);
        command.Parameters.AddWithValue("id", account.UserId);
        command.Parameters.AddWithValue("email", account.Email);
        command.Parameters.AddWithValue("hash", account.PasswordHash);
        command.Parameters.AddWithValue("first", account.FirstName);
        command.Parameters.AddWithValue("last", account.LastName);
        command.Parameters.AddWithValue("role", account.Role);
        command.Parameters.AddWithValue("active", account.Active);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordLoginAsync(Guid userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("UPDATE users SET last_login = @at WHERE user_id = @id");
        command.Parameters.AddWithValue("id", userId);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StorefrontKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT api_key_id, name, scope FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL");
        command.Parameters.AddWithValue("hash", keyHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StorefrontKey(reader.GetGuid(0), reader.GetString(1), reader.GetString(2))
            : null;
    }

    public async Task<bool> AnyApiKeyAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task AddApiKeyAsync(StorefrontKey key, string keyPrefix, byte[] keyHash, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO api_keys (api_key_id, name, key_prefix, key_hash, scope) VALUES (@id, @name, @prefix, @hash, @scope)");
        command.Parameters.AddWithValue("id", key.ApiKeyId);
        command.Parameters.AddWithValue("name", key.Name);
        command.Parameters.AddWithValue("prefix", keyPrefix);
        command.Parameters.AddWithValue("hash", keyHash);
        command.Parameters.AddWithValue("scope", key.Scope);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
