using Npgsql;
using NpgsqlTypes;

namespace Misty.Web.Security;

public sealed class PostgresCredentialStore(NpgsqlDataSource database) : ICredentialStore
{
    private const string UserColumns =
        "user_id, email, coalesce(password_hash, ''), first_name, last_name, role::text, active, locked_until, last_login, created_at, security_stamp";

    private const string ApiKeyColumns = "api_key_id, name, key_prefix, scope, kind, created_at, revoked_at";

    // One statement whether or not the email names an account, so that both take the same work.
    public async Task<LoginStanding> FindLoginStandingAsync(string email, string address, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            SELECT {UserColumns},
                   (SELECT blocked_until FROM login_throttles WHERE address = @address),
                   EXISTS (SELECT 1 FROM login_known_addresses known WHERE known.user_id = users.user_id AND known.address = @address)
            FROM (VALUES (1)) AS one (n) LEFT JOIN users ON lower(email) = lower(@email) AND deleted_at IS NULL
            """);
        command.Parameters.AddWithValue("email", email);
        command.Parameters.AddWithValue("address", address);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        const int blocked = 11;
        return new LoginStanding(
            reader.IsDBNull(0) ? null : ReadUser(reader),
            reader.IsDBNull(blocked) ? null : reader.GetFieldValue<DateTimeOffset>(blocked),
            reader.GetBoolean(blocked + 1));
    }

    public async Task<StaffAccount?> FindUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {UserColumns} FROM users WHERE user_id = @id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("id", userId);
        return await ReadUserAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<StaffAccount>> ListUsersAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"SELECT {UserColumns} FROM users WHERE deleted_at IS NULL ORDER BY lower(email)");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<StaffAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(ReadUser(reader));
        }

        return users;
    }

    public async Task<bool> AnyAdminAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND deleted_at IS NULL)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> AddUserAsync(StaffAccount account, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO users (user_id, email, password_hash, first_name, last_name, role, active)
            VALUES (@id, @email, @hash, @first, @last, @role::user_role, @active)
            """);
        command.Parameters.AddWithValue("id", account.UserId);
        command.Parameters.AddWithValue("email", account.Email);
        command.Parameters.Add(PasswordHashParameter(account));
        command.Parameters.AddWithValue("first", account.FirstName);
        command.Parameters.AddWithValue("last", account.LastName);
        command.Parameters.AddWithValue("role", account.Role);
        command.Parameters.AddWithValue("active", account.Active);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    public async Task<StaffChangeOutcome> UpdateUserAsync(Guid userId, StaffAccountChange change, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Account changes queue behind each other, so two admins demoting each other cannot both pass the last-admin check.
        await using (var serialize = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('misty.users'))", connection))
        {
            await serialize.ExecuteNonQueryAsync(cancellationToken);
        }

        StaffAccount? before;
        await using (var read = new NpgsqlCommand($"SELECT {UserColumns} FROM users WHERE user_id = @id AND deleted_at IS NULL", connection))
        {
            read.Parameters.AddWithValue("id", userId);
            before = await ReadUserAsync(read, cancellationToken);
        }

        if (before is null)
        {
            return new StaffChangeOutcome(StaffChangeStatus.NotFound);
        }

        var after = change.ApplyTo(before);
        if (StaffAccountChange.RemovesAdmin(before, after) && !await OtherActiveAdminExistsAsync(connection, userId, cancellationToken))
        {
            return new StaffChangeOutcome(StaffChangeStatus.LastAdmin, before);
        }

        await using (var update = new NpgsqlCommand(
            """
            UPDATE users SET first_name = @first, last_name = @last, role = @role::user_role, active = @active, password_hash = @hash,
                             locked_until = @locked_until, security_stamp = @stamp, failed_logins = CASE WHEN @reset THEN 0 ELSE failed_logins END
            WHERE user_id = @id
            """, connection))
        {
            update.Parameters.AddWithValue("id", userId);
            update.Parameters.AddWithValue("first", after.FirstName);
            update.Parameters.AddWithValue("last", after.LastName);
            update.Parameters.AddWithValue("role", after.Role);
            update.Parameters.AddWithValue("active", after.Active);
            update.Parameters.Add(PasswordHashParameter(after));
            update.Parameters.Add(new NpgsqlParameter("locked_until", NpgsqlDbType.TimestampTz) { Value = (object?)after.LockedUntil ?? DBNull.Value });
            update.Parameters.AddWithValue("reset", change.PasswordHash is not null);
            update.Parameters.AddWithValue("stamp", after.SecurityStamp);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new StaffChangeOutcome(StaffChangeStatus.Updated, before, after);
    }

    public async Task RecordLoginAsync(Guid userId, string address, DateTimeOffset at, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            WITH account AS (
                UPDATE users SET last_login = @at, failed_logins = 0, locked_until = NULL WHERE user_id = @id),
            known AS (
                INSERT INTO login_known_addresses (user_id, address, last_login) VALUES (@id, @address, @at)
                ON CONFLICT (user_id, address) DO UPDATE SET last_login = excluded.last_login)
            DELETE FROM login_throttles WHERE address = @address OR last_failure < @forgotten
            """);
        command.Parameters.AddWithValue("id", userId);
        command.Parameters.AddWithValue("address", address);
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("forgotten", at - throttle.ForgetAfter);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // LoginLockout.AfterFailure and LoginThrottle.AfterFailure in one statement, so that concurrent failures all count
    // and a failure for an unknown email costs the same write as one for a known email (@id is then null).
    public async Task<LoginFailure> RecordFailedLoginAsync(
        Guid? wrongPasswordFor, string address, DateTimeOffset at, LoginLockout lockout, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            WITH account AS (
                UPDATE users SET
                    failed_logins = CASE WHEN failed_logins + 1 >= @max THEN 0 ELSE failed_logins + 1 END,
                    locked_until = CASE WHEN failed_logins + 1 >= @max THEN @until ELSE locked_until END
                WHERE user_id = @id
                RETURNING locked_until)
            INSERT INTO login_throttles AS throttle (address, failures, blocked_until, last_failure)
            VALUES (@address, 1, @at + (@delays)[1], @at)
            ON CONFLICT (address) DO UPDATE SET
                failures = CASE WHEN throttle.last_failure > @forgotten THEN throttle.failures + 1 ELSE 1 END,
                blocked_until = @at + (@delays)[least(CASE WHEN throttle.last_failure > @forgotten THEN throttle.failures + 1 ELSE 1 END,
                                                      cardinality(@delays))],
                last_failure = @at
            RETURNING (SELECT locked_until FROM account), blocked_until
            """);
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = (object?)wrongPasswordFor ?? DBNull.Value });
        command.Parameters.AddWithValue("max", lockout.MaxFailures);
        command.Parameters.AddWithValue("until", at + lockout.Duration);
        command.Parameters.AddWithValue("address", address);
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("forgotten", at - throttle.ForgetAfter);
        command.Parameters.Add(new NpgsqlParameter("delays", NpgsqlDbType.Array | NpgsqlDbType.Interval) { Value = throttle.Delays() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new LoginFailure(
            reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0),
            reader.GetFieldValue<DateTimeOffset>(1));
    }

    public async Task<StorefrontKey?> FindApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT api_key_id, name, scope, kind FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL");
        command.Parameters.AddWithValue("hash", keyHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StorefrontKey(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3))
            : null;
    }

    public async Task<bool> AnyApiKeyAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT EXISTS (SELECT 1 FROM api_keys)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<ApiKeyRecord> AddApiKeyAsync(StorefrontKey key, string keyPrefix, byte[] keyHash, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            INSERT INTO api_keys (api_key_id, name, key_prefix, key_hash, scope, kind) VALUES (@id, @name, @prefix, @hash, @scope, @kind)
            RETURNING {ApiKeyColumns}
            """);
        command.Parameters.AddWithValue("id", key.ApiKeyId);
        command.Parameters.AddWithValue("name", key.Name);
        command.Parameters.AddWithValue("prefix", keyPrefix);
        command.Parameters.AddWithValue("hash", keyHash);
        command.Parameters.AddWithValue("scope", key.Scope);
        command.Parameters.AddWithValue("kind", key.Kind);
        return (await ReadApiKeyAsync(command, cancellationToken))!;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {ApiKeyColumns} FROM api_keys ORDER BY created_at, api_key_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ReadApiKey(reader));
        }

        return keys;
    }

    public async Task<ApiKeyRecord?> RevokeApiKeyAsync(Guid apiKeyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"UPDATE api_keys SET revoked_at = coalesce(revoked_at, @at) WHERE api_key_id = @id RETURNING {ApiKeyColumns}");
        command.Parameters.AddWithValue("id", apiKeyId);
        command.Parameters.AddWithValue("at", at);
        return await ReadApiKeyAsync(command, cancellationToken);
    }

    public async Task<bool> RenewSecurityStampAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "UPDATE users SET security_stamp = gen_random_uuid() WHERE user_id = @id AND deleted_at IS NULL");
        command.Parameters.AddWithValue("id", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<Guid> FindCustomerTokenStampAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT stamp FROM customer_token_stamps WHERE customer_id = @id");
        command.Parameters.AddWithValue("id", customerId);
        return await command.ExecuteScalarAsync(cancellationToken) is Guid stamp ? stamp : Guid.Empty;
    }

    public async Task RenewCustomerTokenStampAsync(Guid customerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO customer_token_stamps (customer_id, stamp, revoked_at) VALUES (@id, gen_random_uuid(), @at)
            ON CONFLICT (customer_id) DO UPDATE SET stamp = excluded.stamp, revoked_at = excluded.revoked_at
            """);
        command.Parameters.AddWithValue("id", customerId);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<bool> OtherActiveAdminExistsAsync(NpgsqlConnection connection, Guid userId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active AND deleted_at IS NULL AND user_id <> @id)", connection);
        command.Parameters.AddWithValue("id", userId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>users.password_hash is null for accounts without a password (system accounts).</summary>
    private static NpgsqlParameter PasswordHashParameter(StaffAccount account) =>
        new("hash", NpgsqlDbType.Text) { Value = account.HasPassword ? account.PasswordHash : DBNull.Value };

    private static async Task<StaffAccount?> ReadUserAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    private static StaffAccount ReadUser(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetBoolean(6))
        {
            LockedUntil = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            LastLogin = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(9),
            SecurityStamp = reader.GetGuid(10),
        };

    private static async Task<ApiKeyRecord?> ReadApiKeyAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadApiKey(reader) : null;
    }

    private static ApiKeyRecord ReadApiKey(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
}
