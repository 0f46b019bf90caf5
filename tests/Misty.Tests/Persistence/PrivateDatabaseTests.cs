using Misty.Grains.Hosting;
using Misty.Persistence.Local;
using Npgsql;

namespace Misty.Tests.Persistence;

/// <summary>The one storage mode: without MISTY_DB every Misty process uses the machine's private PostgreSQL.</summary>
public sealed class PrivateDatabaseTests
{
    [Fact]
    public async Task The_private_database_is_created_once_shared_while_running_and_stopped_by_its_starter()
    {
        var state = Path.Combine(Path.GetTempPath(), "misty-private-" + Guid.NewGuid().ToString("N")[..12]);
        var port = LoopbackPorts.Free();
        try
        {
            var first = await PrivateDatabase.StartAsync(port, state);
            await using (first)
            {
                Assert.Equal("misty", await ScalarAsync(first.ConnectionString, "SELECT current_database()"));
                Assert.True(File.Exists(Path.Combine(first.StateDirectory, "postgres-password")));

                // A second process finds it running, uses the same database and leaves it running when it ends.
                var second = await PrivateDatabase.StartAsync(port, first.StateDirectory);
                Assert.Equal(first.ConnectionString, second.ConnectionString);
                await second.DisposeAsync();
                Assert.Equal("misty", await ScalarAsync(first.ConnectionString, "SELECT current_database()"));

                var secret = first.SecretFilePath("keyring-key", 32);
                Assert.Equal(secret, first.SecretFilePath("keyring-key", 32));
                Assert.Equal(32, Convert.FromBase64String(await File.ReadAllTextAsync(secret)).Length);
            }

            NpgsqlConnection.ClearAllPools();
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync(first.ConnectionString, "SELECT 1"));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public void The_private_database_lives_in_the_checkout_of_the_current_folder()
    {
        var checkout = PrivateDatabase.DefaultStateDirectory(AppContext.BaseDirectory);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(checkout)!, "Misty.sln")), checkout);
        Assert.Equal(".misty", Path.GetFileName(checkout));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Without_server_binaries_the_search_finds_none()
    {
        var empty = Directory.CreateTempSubdirectory("misty-nobin-").FullName;
        try
        {
            Assert.Null(LocalPostgres.FindBinDirectory(empty, Path.Combine(empty, "missing")));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
