using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Misty.Grains.Hosting;
using Misty.Grains.Knowledge;
using Misty.Grains.Storage;
using Misty.Web.Agents;
using Misty.Web.Api;
using Misty.Web.Audit;
using Misty.Web.Cases;
using Misty.Web.Catalog;
using Misty.Web.Customers;
using Misty.Web.Dashboard;
using Misty.Web.Forecasting;
using Misty.Web.Health;
using Misty.Web.Integrations;
using Misty.Web.Inventory;
using Misty.Web.Knowledge;
using Misty.Web.Notifications;
using Misty.Web.Operations;
using Misty.Web.Orders;
using Misty.Web.Payments;
using Misty.Web.Recommendations;
using Misty.Web.Reports;
using Misty.Web.Reservations;
using Misty.Web.Security;
using Misty.Web.Webhooks;
using Misty.Web.Workflows;
using Npgsql;

namespace Misty.Web;

/// <summary>Builds the Misty.Web process: HTTP API, health checks and a co-hosted silo. Tests build it the same way.</summary>
public static class MistyWebApp
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var options = MistyOptions.FromConfiguration(builder.Configuration);
        builder.WebHost.UseUrls(OperationsSetup.ListenUrls(builder.Configuration,
            builder.Configuration["MISTY_URLS"] is { Length: > 0 } urls ? urls : DefaultUrls));

        NpgsqlDataSource? database = null;
        if (options.Database is not null)
        {
            var migrator = new MistyMigrator(options.Database, NullLogger.Instance);
            // Orleans reads its queries from the database when the silo starts, so the schema must be current first.
            await migrator.MigrateAsync();
            database = MistyDatabase.CreateDataSource(options.Database);
            builder.Services.AddMistyDatabase(database);
            builder.Services.AddSingleton(new MistyMigrator(options.Database, NullLogger.Instance));
            builder.Services.AddSingleton<ICredentialStore, PostgresCredentialStore>();
            builder.Services.AddSingleton<IIntegrationStore, PostgresIntegrationStore>();
            builder.Services.AddSingleton<AlbumCatalog>();
            await builder.AddMistyKeyRingAsync(database);
        }
        else
        {
            builder.Services.AddSingleton<ICredentialStore, InMemoryCredentialStore>();
            builder.Services.AddSingleton<IIntegrationStore, InMemoryIntegrationStore>();
        }

        builder.Services.AddStripeWeb();
        builder.UseOrleans(silo => silo.UseMisty(options, database));
        builder.Services.AddMistyDashboard(options.UsesDatabase);
        builder.Services.AddWorkflowsWeb(options.UsesDatabase);
        builder.Services.AddCasesWeb(options.UsesDatabase);
        builder.Services.AddOrdersWeb(options.UsesDatabase);
        builder.Services.AddMistyKnowledge(database, builder.Configuration);
        builder.Services.AddNotificationsWeb(builder.Configuration, options.UsesDatabase);
        builder.Services.AddWebhooksWeb(builder.Configuration, options.UsesDatabase);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IPasswordHasher<StaffAccount>, PasswordHasher<StaffAccount>>();
        builder.Services.AddSingleton<FirstRunBootstrap>();
        builder.Services.AddProblemDetails();
        builder.Services.AddMistyOpenApi();
        builder.Services.AddMistyAuthentication();
        builder.Services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        builder.Services.AddSingleton<IntegrationCredentials>();
        builder.Services.AddMistyHttpHardening(builder.Configuration);
        builder.Services.AddMistyHealthChecks(options.UsesDatabase);
        builder.AddMistyOperations();
        builder.Services.AddMistyAgents(builder.Configuration, options.UsesDatabase);

        var app = builder.Build();
        if (!options.UsesDatabase)
        {
            app.Logger.LogWarning(
                "*** MISTY_DB is not set: running the EMBEDDED IN-MEMORY default (localhost clustering, in-memory storage). " +
                "Nothing is persisted and everything is lost on exit. Use ./run.sh or set MISTY_DB for the real system. ***");
        }

        app.UseMistyHttpHardening();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMistyDashboardFiles();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

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
