using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Misty.Grains.Audit;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Webhooks;

public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events);

/// <param name="Secret">The signing secret: in the answer to the POST only, never again.</param>
public sealed record WebhookResponse(
    Guid SubscriberId, string Url, IReadOnlyList<string> Events, bool Enabled, string? DisabledReason, DateTimeOffset? FailingSince,
    DateTimeOffset CreatedAt, string? Secret = null)
{
    public static WebhookResponse From(WebhookSubscriber subscriber, string? secret = null) => new(subscriber.SubscriberId, subscriber.Url,
        subscriber.Events, subscriber.Enabled, subscriber.DisabledReason, subscriber.FailingSince, subscriber.CreatedAt, secret);
}

public static class WebhooksApi
{
    private const int MaxEvents = 20;

    public static IServiceCollection AddWebhooksWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection("Misty:Webhooks"));
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookFeed>());
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/webhooks").WithTags("Webhooks");
        group.MapPost("", CreateAsync)
            .RequireAuthorization(MistyPolicies.Admin).WithName("createWebhook")
            .WithSummary("Registers a subscriber for stream events; the answer carries its signing secret, shown only this once.");
        group.MapGet("", ListAsync)
            .RequireAuthorization(MistyPolicies.Manager).WithName("listWebhooks")
            .WithSummary("The subscribers, enabled or not (a subscriber that failed for the retry window is disabled).");
        group.MapGet("/{id:guid}", GetAsync)
            .RequireAuthorization(MistyPolicies.Manager).WithName("getWebhook")
            .WithSummary("One subscriber: its address, events and whether it is enabled (the secret is never shown again).");
        group.MapDelete("/{id:guid}", DeleteAsync)
            .RequireAuthorization(MistyPolicies.Admin).WithName("deleteWebhook")
            .WithSummary("Removes a subscriber; its pending deliveries are abandoned, its delivery log stays.");
        group.MapGet("/{id:guid}/deliveries", DeliveriesAsync)
            .RequireAuthorization(MistyPolicies.Manager).WithName("listWebhookDeliveries")
            .WithSummary("The subscriber's delivery log, newest first: status, attempts, last HTTP status and error.");
        return routes;
    }

    private static async Task<Results<Created<WebhookResponse>, ValidationProblem>> CreateAsync(CreateWebhookRequest request, ClaimsPrincipal user, WebhookStore store, WebhookFeed feed,
        IOptions<WebhookOptions> options, ISecretProtector protector, IAuditLog audit, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (WebhookAddresses.Refusal(request.Url, options.Value.AllowPrivateAddresses) is { } refusal)
        {
            errors.Add("url", refusal);
        }

        var events = request.Events?.Select(name => name?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList() ?? [];
        errors.Check(events.Count is > 0 and <= MaxEvents, "events", $"1 to {MaxEvents} event names.");
        var unknown = events.Where(name => !WebhookEvents.Namespaces.ContainsKey(name)).ToList();
        errors.Check(unknown.Count == 0, "events", $"Unknown: {string.Join(", ", unknown.Take(5))}. Known: {string.Join(", ", WebhookEvents.Namespaces.Keys)}.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var subscriber = new WebhookSubscriber(Guid.NewGuid(), request.Url!.Trim(), events, protector.Protect(WebhookDispatcher.SecretPurpose, secret),
            true, null, null, DateTimeOffset.UtcNow);
        await store.CreateAsync(subscriber, Callers.StaffUserId(user), cancellationToken);
        await feed.RefreshAsync(cancellationToken);
        await audit.RecordAsync(new AuditEntry("webhooks.created", Callers.Id(user), $"Webhook subscriber {subscriber.SubscriberId} was registered for {subscriber.Url}.")
        {
            Details = new Dictionary<string, object?> { ["subscriberId"] = subscriber.SubscriberId, ["url"] = subscriber.Url, ["events"] = events },
        });
        var stored = await store.FindAsync(subscriber.SubscriberId, cancellationToken) ?? subscriber;
        return TypedResults.Created($"/api/webhooks/{subscriber.SubscriberId}", WebhookResponse.From(stored, secret));
    }

    private static async Task<Ok<List<WebhookResponse>>> ListAsync(WebhookStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListAsync(enabledOnly: false, cancellationToken)).Select(subscriber => WebhookResponse.From(subscriber)).ToList());

    private static async Task<Results<Ok<WebhookResponse>, NotFoundProblem>> GetAsync(Guid id, WebhookStore store, CancellationToken cancellationToken)
    {
        return await store.FindAsync(id, cancellationToken) is { } subscriber ? TypedResults.Ok(WebhookResponse.From(subscriber)) : NotFound(id);
    }

    private static async Task<Results<NoContent, NotFoundProblem>> DeleteAsync(Guid id, ClaimsPrincipal user, WebhookStore store, WebhookFeed feed, IAuditLog audit, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        await store.DeleteAsync(id, cancellationToken);
        await feed.RefreshAsync(cancellationToken);
        await audit.RecordAsync(new AuditEntry("webhooks.deleted", Callers.Id(user), $"Webhook subscriber {id} was deleted."));
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<DeliveryResponse>>, ValidationProblem, NotFoundProblem>> DeliveriesAsync(Guid id, string? page, string? pageSize, WebhookStore store, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var pageNumber = PageParameters.Page(page, errors);
        var size = PageParameters.PageSize(pageSize, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await store.FindAsync(id, cancellationToken) is null
            ? NotFound(id)
            : TypedResults.Ok(await store.DeliveriesAsync(id, pageNumber, size, cancellationToken));
    }

    private static NotFoundProblem NotFound(Guid id) => Problems.NotFound("No such webhook subscriber.", $"There is no webhook subscriber {id}.");
}
