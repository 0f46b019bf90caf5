namespace Misty.Baseline;

/// <summary>
/// The baseline's settings, read from environment variables because the benchmark starts it as a child process.
/// </summary>
public sealed record BaselineSettings(string Database, int Port, string StorefrontKey)
{
    public static BaselineSettings FromConfiguration(IConfiguration configuration)
    {
        var database = Required(configuration, "BASELINE_DB");
        var port = int.TryParse(Required(configuration, "BASELINE_PORT"), out var value) && value is > 0 and < 65536
            ? value
            : throw new InvalidOperationException("BASELINE_PORT must be a TCP port number.");
        return new BaselineSettings(database, port, Required(configuration, "BASELINE_STOREFRONT_KEY"));
    }

    private static string Required(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value : throw new InvalidOperationException($"{key} is not set.");
}
