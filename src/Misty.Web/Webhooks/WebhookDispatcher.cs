using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Misty.Grains.Audit;
using Misty.Web.Notifications;
using Misty.Web.Security;

namespace Misty.Web.Webhooks;

/// <summary>
/// Delivers queued webhook events: signed POSTs, at least once, in version order per entity for each subscriber.
/// A failed delivery is retried with exponential backoff for the retry window (24 hours), then abandoned; a subscriber
/// that has failed for the whole window is disabled and staff are told through the audit trail.
/// </summary>
public sealed class WebhookDispatcher(
    WebhookStore store, ISecretProtector protector, IAuditLog audit, IOptions<WebhookOptions> options, TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string SecretPurpose = "webhooks.secret";
    private const int BatchSize = 50;

    private readonly HttpClient _http = new(WebhookAddresses.Handler(options.Value.AllowPrivateAddresses)) { Timeout = options.Value.Timeout };

    private WebhookOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await DeliverDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Delivering webhooks failed; trying again shortly.");
            }

            if (claimed == 0)
            {
                await Task.Delay(Options.PollInterval, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var claimed = await store.ClaimAsync(BatchSize, Options.Lease, cancellationToken);
        // Different entities go out at once; one entity's versions never share a batch (the claim holds later ones back).
        await Task.WhenAll(claimed.Select(delivery => DeliverAsync(delivery, cancellationToken)));
        return claimed.Count;
    }

    private async Task DeliverAsync(ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        int? status = null;
        string error;
        try
        {
            var secret = protector.Unprotect(SecretPurpose, delivery.ProtectedSecret);
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secret, clock.GetUtcNow().ToUnixTimeSeconds(), delivery.Payload));
            request.Headers.Add("Misty-Event-Id", delivery.EventId.ToString());
            request.Headers.Add("Misty-Event-Type", delivery.EventType);
            request.Headers.Add("Misty-Event-Version", delivery.Version.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("Misty-Delivery-Attempt", delivery.Attempts.ToString(CultureInfo.InvariantCulture));
            using var response = await _http.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                await store.DeliveredAsync(delivery, status.Value, cancellationToken);
                return;
            }

            error = $"HTTP {status}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Security.Cryptography.CryptographicException
                                   && !cancellationToken.IsCancellationRequested)
        {
            error = ex.Message;
        }

        var now = clock.GetUtcNow();
        // The last attempt falls at the end of the retry window; after it fails, the delivery is abandoned.
        var left = delivery.CreatedAt + Options.RetryWindow - now;
        var wait = Backoff.Delay(Options.RetryDelay, Options.MaxRetryDelay, delivery.Attempts);
        TimeSpan? retry = left <= TimeSpan.Zero ? null : wait < left ? wait : left;
        var (failingSince, firstFailedAt) = await store.FailedAsync(delivery, status, error, retry, cancellationToken);
        // Failing for the whole window: nothing succeeded since this abandoned delivery first failed, or for a window.
        var failedThroughout = now - failingSince >= Options.RetryWindow || (retry is null && failingSince <= firstFailedAt);
        if (failedThroughout
            && await store.DisableAsync(delivery.SubscriberId, $"Every delivery failed since {failingSince:u}; last: {error}", cancellationToken))
        {
            logger.LogWarning("Webhook subscriber {Subscriber} ({Url}) failed for {Window} and was disabled.", delivery.SubscriberId, delivery.Url, Options.RetryWindow);
            await audit.RecordAsync(new AuditEntry("webhooks.disabled", "system",
                $"Webhook subscriber {delivery.SubscriberId} ({delivery.Url}) failed every delivery since {failingSince:u} and was disabled.")
            {
                Severity = AuditSeverity.Warning,
                Details = new Dictionary<string, object?> { ["subscriberId"] = delivery.SubscriberId, ["url"] = delivery.Url, ["lastError"] = error },
            });
        }
    }
}
