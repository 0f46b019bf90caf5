using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Misty.Persistence;

public static class MistyDatabase
{
    /// <summary>The ADO.NET invariant Orleans maps to Npgsql.</summary>
    public const string Invariant = "Npgsql";

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "misty";
        // Orleans opens a pooled connection per storage call; Misty keeps no session state on pooled connections,
        // so skip the DISCARD ALL on every return and keep prepared statements of the hot queries alive.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 3;
        }
        return builder.Build();
    }

    /// <summary>Registers the one data source every Misty component shares.</summary>
    public static IServiceCollection AddMistyDatabase(this IServiceCollection services, NpgsqlDataSource database)
    {
        services.AddSingleton(database);
        return services;
    }
}
