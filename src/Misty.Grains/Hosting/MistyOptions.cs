using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Misty.Persistence.Local;
using Npgsql;

namespace Misty.Grains.Hosting;

/// <summary>
/// Process-wide settings, read from environment variables (MISTY_*) or the "Misty" configuration section.
/// </summary>
public sealed record MistyOptions
{
    /// <summary>The PostgreSQL connection string (MISTY_DB); without it <see cref="MistyDatabaseSetup"/> starts the private database.</summary>
    public string? Database { get; init; }

    /// <summary>The port of the private database used when MISTY_DB is not set (MISTY_PG_PORT).</summary>
    public int PrivateDatabasePort { get; init; } = PrivateDatabase.DefaultPort;
    public string ClusterId { get; init; } = "misty";
    public string ServiceId { get; init; } = "misty";
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Orleans' Kubernetes hosting: cluster and service ids from the pod's labels, the pod's address.</summary>
    public bool Kubernetes { get; init; }

    /// <summary>The Orleans dashboard's grain statistics; it profiles every grain call, so it is off unless asked for.</summary>
    public bool OrleansDashboard { get; init; }

    /// <summary>Reads and validates the settings; throws <see cref="MistyConfigurationException"/> naming the bad setting.</summary>
    public static MistyOptions FromConfiguration(IConfiguration configuration)
    {
        string? Read(string environmentName, string key) =>
            NullIfBlank(configuration[environmentName]) ?? NullIfBlank(configuration[$"Misty:{key}"]);

        var database = Read("MISTY_DB", "Database");
        if (database is not null)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(database);
            }
            catch (ArgumentException ex)
            {
                throw new MistyConfigurationException($"MISTY_DB is not a valid PostgreSQL connection string: {ex.Message}");
            }
        }

        var defaults = new MistyOptions();
        return new MistyOptions
        {
            Database = database,
            ClusterId = Read("MISTY_CLUSTER_ID", "ClusterId") ?? defaults.ClusterId,
            ServiceId = Read("MISTY_SERVICE_ID", "ServiceId") ?? defaults.ServiceId,
            AdvertisedAddress = ParseAddress(Read("MISTY_ADVERTISED_IP", "AdvertisedAddress")) ?? defaults.AdvertisedAddress,
            SiloPort = ParsePort("MISTY_SILO_PORT", Read("MISTY_SILO_PORT", "SiloPort")) ?? defaults.SiloPort,
            GatewayPort = ParsePort("MISTY_GATEWAY_PORT", Read("MISTY_GATEWAY_PORT", "GatewayPort")) ?? defaults.GatewayPort,
            PrivateDatabasePort = ParsePort("MISTY_PG_PORT", Read("MISTY_PG_PORT", "PrivateDatabasePort")) ?? defaults.PrivateDatabasePort,
            Kubernetes = ParseSwitch("MISTY_KUBERNETES", Read("MISTY_KUBERNETES", "Kubernetes")),
            OrleansDashboard = ParseSwitch("MISTY_ORLEANS_DASHBOARD", Read("MISTY_ORLEANS_DASHBOARD", "OrleansDashboard")),
        };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static IPAddress? ParseAddress(string? value) =>
        value is null ? null
        : IPAddress.TryParse(value, out var address) ? address
        : throw new MistyConfigurationException($"MISTY_ADVERTISED_IP '{value}' is not an IP address.");

    private static bool ParseSwitch(string name, string? value) =>
        value is null ? false
        : bool.TryParse(value, out var on) ? on
        : throw new MistyConfigurationException($"{name} '{value}' is not true or false.");

    private static int? ParsePort(string name, string? value) =>
        value is null ? null
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port
        : throw new MistyConfigurationException($"{name} '{value}' is not a TCP port (1-65535).");
}

public sealed class MistyConfigurationException(string message) : Exception(message);
