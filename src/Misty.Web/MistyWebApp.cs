using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Misty.Grains.Hosting;
using Misty.Grains.Knowledge;
using Misty.Persistence;
using Misty.Web.Agents;
using Misty.Web.Api;
using Misty.Web.ApiReference;
using Misty.Web.Audit;
using Misty.Web.Cases;
using Misty.Web.Catalog;
using Misty.Web.Customers;
using Misty.Web.Dashboard;
using Misty.Web.Demo;
using Misty.Web.Forecasting;
using Misty.Web.Health;
using Misty.Web.Insights;
using Misty.Web.Integrations;
using Misty.Web.Inventory;
using Misty.Web.Knowledge;
using Misty.Web.Notifications;
using Misty.Web.Operations;
using Misty.Web.Orders;
using Misty.Web.Payments;
using Misty.Web.Recommendations;
using Misty.Web.Replenishment;
using Misty.Web.Reports;
using Misty.Web.Reservations;
using Misty.Web.Security;
using Misty.Web.Webhooks;
using Misty.Web.Workflows;

namespace Misty.Web;

/// <summary>Builds the Misty.Web process: HTTP API, health checks and a co-hosted silo. Tests build it the same way.</summary>
public static class MistyWebApp
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var (options, privateDatabase) = await MistyOptions.FromConfiguration(builder.Configuration).WithDatabaseAsync();
        builder.WebHost.UseUrls(OperationsSetup.ListenUrls(builder.Configuration,
            builder.Configuration["MISTY_URLS"] is { Length: > 0 } urls ? urls : DefaultUrls));

        var migrator = new MistyMigrator(options.Database!, NullLogger.Instance);
        // Orleans reads its queries from the database when the silo starts, so the schema must be current first.
        await migrator.MigrateAsync();
        var database = MistyDatabase.CreateDataSource(options.Database!);
        builder.Services.AddMistyDatabase(database);
        builder.Services.AddSingleton(migrator);
        if (privateDatabase is not null)
        {
            // First, so that it stops last: after the silo and everything else that uses the database.
            builder.Services.AddHostedService(_ => new PrivateDatabaseLifetime(privateDatabase));
            if (string.IsNullOrEmpty(builder.Configuration[KeyEncryptionKey.Setting]))
            {
                // The key ring's key beside the private database (never in it), unless one is configured.
                builder.Configuration[KeyEncryptionKey.FileSetting] ??= privateDatabase.SecretFilePath("keyring-key", KeyEncryptionKey.Length);
            }
        }

        await builder.AddMistyKeyRingAsync(database);
        builder.UseOrleans(silo => silo.UseMisty(options, database));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddMistyOpenApi();
        builder.Services.AddSecurityWeb();
        builder.Services.AddMistyHttpHardening(builder.Configuration);
        builder.Services.AddMistyHealthChecks();
        builder.AddMistyOperations();
        builder.Services.AddMistyDashboard();
        builder.Services.AddCatalogWeb();
        builder.Services.AddInventoryWeb();
        builder.Services.AddBoughtTogetherWeb();
        builder.Services.AddStripeWeb();
        builder.Services.AddCustomersWeb();
        builder.Services.AddOrdersWeb();
        builder.Services.AddReportsWeb();
        builder.Services.AddCasesWeb();
        builder.Services.AddWorkflowsWeb();
        builder.Services.AddIntegrationsWeb();
        builder.Services.AddNotificationsWeb(builder.Configuration);
        builder.Services.AddWebhooksWeb(builder.Configuration);
        builder.Services.AddMistyKnowledge(database, builder.Configuration);
        builder.Services.AddKnowledgeWeb();
        builder.Services.AddMistyAgents(builder.Configuration);
        builder.Services.AddReplenishmentWeb();
        builder.Services.AddMistyDemoTraffic(builder.Configuration);
        builder.Services.AddInsightsWeb();

        var app = builder.Build();
        app.UseMistyHttpHardening();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMistyDashboardFiles();
        app.UseMistyApiReference();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseStorefrontOpenApiSubset();

        app.MapMistyHealthChecks();
        app.MapMistyOperations(options);
        // Only the one document: for any other name the default route answers a text/plain 404 that echoes the name.
        app.MapOpenApi("/openapi/{documentName:regex(^v1$)}.json").RequireAuthorization(MistyPolicies.Storefront);
        app.MapAuthApi();
        app.MapUsersApi();
        app.MapApiKeysApi();
        app.MapCustomerTokensApi();
        app.MapIntegrationsApi();
        app.MapInventoryApi();
        app.MapBoughtTogetherApi();
        app.MapReservationsApi();
        app.MapAlbumsApi();
        app.MapOrdersApi();
        app.MapCustomersApi();
        app.MapRecommendationsApi();
        app.MapCasesApi();
        app.MapWorkflowsApi();
        app.MapReportsApi();
        app.MapAuditApi();
        app.MapForecastApi();
        app.MapReplenishmentApi();
        app.MapInsightsApi();
        app.MapKnowledgeApi();
        app.MapNotificationsApi();
        app.MapWebhooksApi();
        app.MapStripeWebhookApi();
        app.MapMistyDashboard();
        app.MapMistyAgents();

        await app.Services.GetRequiredService<FirstRunBootstrap>().RunAsync(CancellationToken.None);
        return app;
    }
}
