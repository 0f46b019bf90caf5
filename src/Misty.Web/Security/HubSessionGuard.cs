using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.SignalR;

namespace Misty.Web.Security;

/// <summary>
/// Holds live SignalR connections to the same rules as requests: the staff member's token is checked again on every
/// hub method call and, by <see cref="HubSessionSweeper"/>, every <see cref="SweepEvery"/>; a connection whose token
/// expired or was revoked (logout, password or role change, deactivation) is closed. Authorization alone runs only
/// when the connection opens.
/// </summary>
public sealed class HubSessionGuard(StaffSessions sessions, TimeProvider clock) : IHubFilter
{
    /// <summary>With <see cref="StaffSessions.CacheFor"/>, a revoked connection is closed within 30 s on every node.</summary>
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (HubCallerContext Context, DateTimeOffset ExpiresAt)> _connections = new();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocationContext.Context;
        if (!await StandsAsync(context, ExpiryOf(context)))
        {
            context.Abort();
            throw new HubException("The session has ended: sign in again.");
        }

        return await next(invocationContext);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _connections[context.Context.ConnectionId] = (context.Context, ExpiryOf(context.Context));
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }

    /// <summary>Closes every connection whose token no longer stands.</summary>
    public async Task SweepAsync()
    {
        foreach (var (connectionId, (context, expiresAt)) in _connections)
        {
            if (!await StandsAsync(context, expiresAt))
            {
                _connections.TryRemove(connectionId, out _);
                context.Abort();
            }
        }
    }

    private async Task<bool> StandsAsync(HubCallerContext context, DateTimeOffset expiresAt) =>
        clock.GetUtcNow() < expiresAt && context.User is { } user && await sessions.CurrentAsync(user) is not null;

    /// <summary>The token's expiry, as authentication read it when the connection opened.</summary>
    private DateTimeOffset ExpiryOf(HubCallerContext context) =>
        context.GetHttpContext()?.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc
        ?? clock.GetUtcNow() + MistyAuthentication.TokenLifetime;
}

/// <summary>Runs <see cref="HubSessionGuard.SweepAsync"/> every <see cref="HubSessionGuard.SweepEvery"/>.</summary>
public sealed class HubSessionSweeper(HubSessionGuard guard, TimeProvider clock, ILogger<HubSessionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(HubSessionGuard.SweepEvery, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await guard.SweepAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A database hiccup must not stop the sweeping; the next round checks again.
                logger.LogWarning(ex, "Re-checking live connections failed.");
            }
        }
    }
}
