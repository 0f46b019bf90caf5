using Microsoft.Extensions.Logging.Abstractions;
using Misty.Persistence;
using Npgsql;

namespace Misty.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run. Each test gets its own database, cloned from a template that
/// the migrations built once, so tests never see each other's rows.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string Template = "misty_template";
    private readonly SemaphoreSlim _cloneLock = new(1, 1);
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL server has not started.");

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
        await ExecuteAsync($"CREATE DATABASE {Template}");
        await new MistyMigrator(_server.ConnectionString(Template), NullLogger.Instance).MigrateAsync();
        // A template must have no open connections while it is cloned.
        NpgsqlConnection.ClearAllPools();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A fresh database with every migration applied; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        // PostgreSQL clones one database from a template at a time.
        await _cloneLock.WaitAsync();
        try
        {
            await ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {Template}");
        }
        finally
        {
            _cloneLock.Release();
        }

        return Server.ConnectionString(name);
    }

    /// <summary>A fresh database with no tables at all, for tests of the migrations themselves.</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = "e_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync($"CREATE DATABASE {name}");
        return Server.ConnectionString(name);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
