using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Misty.Grains.Hosting;

namespace Misty.Web.Security;

/// <param name="LoginsPerMinute">Login attempts per client address per minute (MISTY_LOGIN_RATE_LIMIT).</param>
/// <param name="StorefrontRequestsPerSecond">
/// Requests per second to storefront endpoints per caller: per key or staff member, or per client address for callers
/// without valid credentials (MISTY_STOREFRONT_RATE_LIMIT). High by default: one key serves a whole shop's shoppers.
/// </param>
public sealed record RateLimitSettings(int LoginsPerMinute = 10, int StorefrontRequestsPerSecond = 10_000)
{
    /// <summary>Reads and validates the settings; throws <see cref="MistyConfigurationException"/> naming a bad one.</summary>
    public static RateLimitSettings FromConfiguration(IConfiguration configuration)
    {
        var defaults = new RateLimitSettings();
        return new RateLimitSettings(
            Read(configuration, "MISTY_LOGIN_RATE_LIMIT", "LoginRateLimit") ?? defaults.LoginsPerMinute,
            Read(configuration, "MISTY_STOREFRONT_RATE_LIMIT", "StorefrontRateLimit") ?? defaults.StorefrontRequestsPerSecond);
    }

    private static int? Read(IConfiguration configuration, string environmentName, string key)
    {
        var value = configuration[environmentName] is { Length: > 0 } set ? set : configuration[$"Misty:{key}"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0
            ? limit
            : throw new MistyConfigurationException($"{environmentName} '{value}' is not a positive whole number.");
    }
}

/// <summary>
/// ASP.NET Core's rate limiter on logins (per client address, against password guessing) and on every storefront
/// endpoint (any endpoint whose policy is <see cref="MistyPolicies.Storefront"/>, so later ones are covered too).
/// A refused request gets 429 with problem details and Retry-After.
/// </summary>
public static class MistyRateLimiting
{
    public const string LoginPolicy = "login";

    public static IServiceCollection AddMistyRateLimiting(this IServiceCollection services, RateLimitSettings settings)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(LoginPolicy, http => RateLimitPartition.GetFixedWindowLimiter(Callers.ClientAddress(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.LoginsPerMinute, Window = TimeSpan.FromMinutes(1) }));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => IsStorefrontEndpoint(http)
                ? RateLimitPartition.GetTokenBucketLimiter(StorefrontCaller(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.StorefrontRequestsPerSecond,
                    TokensPerPeriod = settings.StorefrontRequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                })
                : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static bool IsStorefrontEndpoint(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(data => data.Policy == MistyPolicies.Storefront) == true;

    // The limiter runs after authentication, so a valid caller has its own budget and strangers share their address's.
    private static string StorefrontCaller(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true ? Callers.Id(http.User) : "address:" + Callers.ClientAddress(http);

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var http = context.HttpContext;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"Try again in {seconds} second(s).",
            },
        });
    }
}
