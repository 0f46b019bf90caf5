using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Misty.Grains.Storage;

public static class MistyDatabase
{
    /// <summary>The ADO.NET invariant Orleans maps to Npgsql.</summary>
    public const string Invariant = "Npgsql";

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "misty";
        return builder.Build();
    }

    /// <summary>Registers the one data source every Misty component shares.</summary>
    public static IServiceCollection AddMistyDatabase(this IServiceCollection services, NpgsqlDataSource database)
    {
        services.AddSingleton(database);
        return services;
    }
}
