namespace Misty.Web.Demo;

/// <summary>How much the demo storefront does; <c>Misty:DemoTraffic</c>, switched on by <c>MISTY_DEMO_TRAFFIC=1</c>.</summary>
public sealed record DemoTrafficOptions
{
    public bool Enabled { get; init; }

    /// <summary>Shopper actions started per second (browsing, baskets, orders, cases, reviews, sign-ups).</summary>
    public double PerSecond { get; init; } = 3;

    /// <summary>Time between flash sales: a burst of baskets on one album.</summary>
    public TimeSpan FlashSaleEvery { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Baskets of one flash sale.</summary>
    public int FlashSaleShoppers { get; init; } = 40;

    /// <summary>Actions in flight at once; more are skipped rather than queued, so a slow server is not buried.</summary>
    public int MaxInFlight { get; init; } = 16;

    /// <summary>Seed of the shoppers' choices, for a repeatable run.</summary>
    public int? Seed { get; init; }
}

public static class DemoTrafficSetup
{
    public const string Section = "Misty:DemoTraffic";
    public const string Switch = "MISTY_DEMO_TRAFFIC";

    /// <summary>Off unless asked: <c>MISTY_DEMO_TRAFFIC=1</c> (or <c>true</c>) or <c>Misty:DemoTraffic:Enabled</c>.</summary>
    public static IServiceCollection AddMistyDemoTraffic(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<DemoTrafficOptions>() ?? new DemoTrafficOptions();
        if (configuration[Switch] is { Length: > 0 } flag)
        {
            options = options with { Enabled = flag is "1" || bool.TryParse(flag, out var on) && on };
        }

        if (!options.Enabled)
        {
            return services;
        }

        if (options.PerSecond is <= 0 or > 1_000 || options.FlashSaleShoppers is < 1 or > 10_000 || options.MaxInFlight is < 1 or > 1_000
            || options.FlashSaleEvery <= TimeSpan.Zero)
        {
            throw new Grains.Hosting.MistyConfigurationException(
                $"{Section}: PerSecond must be in (0, 1000], FlashSaleShoppers in [1, 10000], MaxInFlight in [1, 1000] and FlashSaleEvery positive.");
        }

        services.AddSingleton(options);
        services.AddSingleton<DemoTrafficStats>();
        services.AddHostedService<DemoStorefront>();
        return services;
    }
}
