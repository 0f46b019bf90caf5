using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Misty.Client;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Web.Demo;

/// <summary>
/// The demo storefront (<c>MISTY_DEMO_TRAFFIC=1</c>): shoppers browse, reserve, order, cancel, write to the shop and
/// review, a few times a second, through this node's public HTTP API with a storefront key of its own, using the
/// generated client (Misty.Client), as an e-commerce site would. Customers' emails come in through the mail gateway's
/// path (a system account). It stops with the host, revoking its key.
/// </summary>
public sealed partial class DemoStorefront(
    DemoTrafficOptions options,
    DemoTrafficStats stats,
    IServer server,
    IHostApplicationLifetime lifetime,
    ICredentialStore credentials,
    IOptionsMonitor<BearerTokenOptions> bearerOptions,
    NpgsqlDataSource database,
    ILogger<DemoStorefront> logger) : BackgroundService
{
    public const string MailGatewayEmail = "demo-mail-gateway@misty.local";
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        // Shopping ends as soon as the node begins to stop: the listener closes before background services are told.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await ShopAsync(stopping.Token);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // A demo that cannot start (its key or account refused) must not take the node down with it.
            LogFault(logger, ex, "start");
        }
    }

    private async Task ShopAsync(CancellationToken stoppingToken)
    {
        var address = ListeningAddress();
        var key = StorefrontKeys.Generate();
        var keyRecord = await credentials.AddApiKeyAsync(
            new StorefrontKey(Guid.NewGuid(), "demo storefront", ApiKeyAuthenticationHandler.StorefrontCaller, StorefrontKeyKinds.Server),
            StorefrontKeys.PrefixOf(key), ApiKeyAuthenticationHandler.Hash(key), stoppingToken);
        try
        {
            var mailGateway = await MailGatewayAccountAsync(stoppingToken);
            using var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = options.MaxInFlight + 8 };
            using var mailHandler = new MailGatewayHandler(this, mailGateway) { InnerHandler = handler };
            using var shop = new DemoShop(handler, mailHandler, address, key);
            var population = new DemoPopulation();
            await population.LoadCustomersAsync(database, stoppingToken);
            LogStarted(logger, address, options.PerSecond);
            await RunAsync(shop, population, stoppingToken);
        }
        finally
        {
            await credentials.RevokeApiKeyAsync(keyRecord.ApiKeyId, DateTimeOffset.UtcNow, CancellationToken.None);
            LogStopped(logger, string.Join(", ", stats.Snapshot().Select(entry => $"{entry.Key} {entry.Value}")));
        }
    }

    private async Task RunAsync(DemoShop shop, DemoPopulation population, CancellationToken stoppingToken)
    {
        var seeds = options.Seed is { } seed ? new Random(seed) : new Random();
        Random NextRandom()
        {
            lock (seeds)
            {
                return new Random(seeds.Next());
            }
        }

        var inFlight = new HashSet<Task>();
        var nextFlashSale = DateTimeOffset.UtcNow + options.FlashSaleEvery;
        var nextReport = DateTimeOffset.UtcNow + ReportEvery;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / options.PerSecond));
        try
        {
            // The catalogue first, as a visitor's first page would load it.
            await RunOneAsync(new DemoShopper(shop, population, NextRandom(), stats, stoppingToken).BrowseAsync, "browse", stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                inFlight.RemoveWhere(task => task.IsCompleted);
                var now = DateTimeOffset.UtcNow;
                var shopper = new DemoShopper(shop, population, NextRandom(), stats, stoppingToken);
                if (now >= nextFlashSale)
                {
                    nextFlashSale = now + options.FlashSaleEvery;
                    inFlight.Add(RunOneAsync(() => shopper.FlashSaleAsync(options.FlashSaleShoppers, NextRandom), "flash_sale", stoppingToken));
                }
                else if (inFlight.Count < options.MaxInFlight)
                {
                    var (name, action) = shopper.PickAction();
                    inFlight.Add(RunOneAsync(action, name, stoppingToken));
                }
                else
                {
                    stats.Count("skipped.busy");
                }

                if (now >= nextReport)
                {
                    nextReport = now + ReportEvery;
                    LogProgress(logger, string.Join(", ", stats.Snapshot().Select(entry => $"{entry.Key} {entry.Value}")));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Ctrl-C: the host is stopping.
        }

        await Task.WhenAll(inFlight);
    }

    /// <summary>A refusal (4xx) is part of shopping (sold out, a declined card); a 5xx or no answer is a fault, logged.</summary>
    private async Task RunOneAsync(Func<Task> action, string name, CancellationToken stoppingToken)
    {
        try
        {
            await action();
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Calls cut short by the stop are nobody's fault.
        }
        catch (MistyApiException ex) when (ex.StatusCode is >= 400 and < 500)
        {
            stats.Count($"{name}.refused.{ex.StatusCode}");
        }
        catch (MistyApiException ex)
        {
            stats.ServerError($"{name}: {ex.StatusCode} {Shorten(ex.Response)}");
            LogServerError(logger, name, ex.StatusCode, Shorten(ex.Response));
        }
        catch (HttpRequestException ex)
        {
            stats.ServerError($"{name}: {ex.Message}");
            LogServerError(logger, name, 0, ex.Message);
        }
        catch (Exception ex)
        {
            // The demo's own mistake: counted and logged, never allowed to stop the node it runs in.
            stats.ServerError($"{name}: {ex.GetType().Name}: {ex.Message}");
            LogFault(logger, ex, name);
        }
    }

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 300 ? text : text[..300];

    private Uri ListeningAddress()
    {
        var bound = server.Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        // A wildcard listener (0.0.0.0, [::], +, *) is reached on the loopback address.
        var builder = new UriBuilder(bound.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "[::]" or "::" or "localhost")
        {
            builder.Host = "127.0.0.1";
        }

        return builder.Uri;
    }

    /// <summary>The system account the mail gateway calls as (no password: its tokens are minted here, never typed).</summary>
    private async Task<StaffAccount> MailGatewayAccountAsync(CancellationToken cancellationToken)
    {
        await credentials.AddUserAsync(new StaffAccount(Guid.NewGuid(), MailGatewayEmail, "", "Demo", "Mail gateway", StaffRoles.System, true), cancellationToken);
        var standing = await credentials.FindLoginStandingAsync(MailGatewayEmail, "127.0.0.1", cancellationToken);
        return standing.Account is { Active: true, Role: StaffRoles.System } account
            ? account
            : throw new InvalidOperationException($"{MailGatewayEmail} exists but is not an active system account; the demo's inbound emails need it.");
    }

    /// <summary>A bearer token for the account, made as a login makes one.</summary>
    private string MintToken(StaffAccount account)
    {
        var now = DateTimeOffset.UtcNow;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, account.UserId.ToString()),
                new Claim(ClaimTypes.Name, account.Email),
                new Claim(ClaimTypes.Role, account.Role),
                new Claim(StaffSessions.StampClaim, account.SecurityStamp.ToString("N")),
            ],
            MistyAuthentication.BearerScheme);
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + TimeSpan.FromMinutes(5) };
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), properties, MistyAuthentication.BearerScheme);
        return bearerOptions.Get(MistyAuthentication.BearerScheme).BearerTokenProtector.Protect(ticket);
    }

    /// <summary>Each call of the mail gateway carries a fresh short-lived token, so a long demo never outlives one.</summary>
    private sealed class MailGatewayHandler(DemoStorefront owner, StaffAccount account) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new("Bearer", owner.MintToken(account));
            return base.SendAsync(request, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo storefront started against {Address}: about {PerSecond} shopper actions per second.")]
    private static partial void LogStarted(ILogger logger, Uri address, double perSecond);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo storefront so far: {Counts}")]
    private static partial void LogProgress(ILogger logger, string counts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo storefront stopped after: {Counts}")]
    private static partial void LogStopped(ILogger logger, string counts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Demo storefront: {Action} failed")]
    private static partial void LogFault(ILogger logger, Exception exception, string action);

    [LoggerMessage(Level = LogLevel.Error, Message = "Demo storefront: {Action} got a server error {Status}: {Detail}")]
    private static partial void LogServerError(ILogger logger, string action, int status, string detail);
}
