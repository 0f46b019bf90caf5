using Microsoft.AspNetCore.StaticFiles;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Dashboard;
using Misty.Grains.Interfaces.Inventory;

namespace Misty.Web.Dashboard;

public static class DashboardSetup
{
    // The page loads only its own bundle and talks only to its own origin (the API and the hub).
    private const string ContentSecurityPolicy =
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The hub, the per-node forwarder, and the stock and metrics events; other features add their own events.</summary>
    public static IServiceCollection AddMistyDashboard(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<DashboardEventMap>();
        services.AddSingleton<DashboardOutbox>();
        services.AddSingleton<StreamSubscriptions>();
        services.AddSingleton<DashboardSnapshots>();
        services.AddHostedService<DashboardForwarder>();

        // One line per feature, e.g. services.AddDashboardEvent<CaseChanged, OpenCasesSection>(MistyStreams.Cases).
        services.AddDashboardEvent<StockChanged>(MistyStreams.Stock);
        services.AddDashboardEvent<LowStock, LowStockSection>(MistyStreams.Stock);
        services.AddDashboardEvent<MetricsTick, MetricsSection>(MistyStreams.Metrics);
        return services;
    }

    /// <summary>The dashboard's page and bundle (built into wwwroot), served to anyone: signing in happens on the page.</summary>
    public static IApplicationBuilder UseMistyDashboardFiles(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        return app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = PrepareResponse });
    }

    public static IEndpointRouteBuilder MapMistyDashboard(this IEndpointRouteBuilder routes)
    {
        routes.MapHub<OperationsHub>(OperationsHub.Path);
        return routes;
    }

    private static void PrepareResponse(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        // Revalidated on every load, so a new bundle is picked up at once (the files are small and carry an ETag).
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        // The API reference page is served with the dashboard's files, under a policy of its own.
        headers.ContentSecurityPolicy = ApiReference.ApiReferenceSetup.Covers(context.Context.Request.Path)
            ? ApiReference.ApiReferenceSetup.ContentSecurityPolicy
            : ContentSecurityPolicy;
    }
}
