using Misty.Grains.Hosting;

namespace Misty.Web.Health;

public static class MistyHealthChecks
{
    private const string Ready = "ready";

    public static IServiceCollection AddMistyHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<SiloActiveHealthCheck>("silo", tags: [Ready])
            .AddCheck<DrainingHealthCheck>("draining", tags: [Ready])
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready]);
        return services;
    }

    /// <summary>/health/live: the process answers. /health/ready: database reachable and migrated, silo active, not stopping.</summary>
    public static IEndpointRouteBuilder MapMistyHealthChecks(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        routes.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(Ready) }).AllowAnonymous();
        return routes;
    }
}
