using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Misty.Web.Integrations;

namespace Misty.Web.Notifications;

public sealed class EmailOptions
{
    /// <summary>How often an idle sender looks for due email.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How long a claimed email stays with its sender before another may take it (the sender died).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>The wait after the first failed attempt; it doubles with each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Attempts before an email that keeps failing temporarily is given up.</summary>
    public int MaxAttempts { get; set; } = 12;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Sends queued customer email over SMTP with MailKit: claims due rows, renders each, sends it with its stable
/// Message-ID and records the outcome. A temporary failure waits with exponential backoff; a permanent one (a 5xx
/// answer to the recipient or the message) fails the email and is recorded on the customer. A crash between sending
/// and recording sends the same email again with the same Message-ID, which receiving systems recognise.
/// </summary>
public sealed class NotificationSender(
    NotificationQueue queue, IIntegrationStore integrations, IntegrationCredentials credentials, IOptions<EmailOptions> options,
    ILogger<NotificationSender> logger) : BackgroundService
{
    private const int BatchSize = 20;

    private EmailOptions Options => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await SendDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Sending customer email failed; trying again shortly.");
            }

            if (sent < BatchSize)
            {
                await Task.Delay(Options.PollInterval, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    /// <returns>How many emails were claimed.</returns>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        // Read on every round: the next email uses whatever the integration says now.
        if (SmtpSettings.From(await integrations.FindAsync(SmtpSettings.ServiceName, cancellationToken), credentials) is not { } smtp)
        {
            return 0;
        }

        var claimed = await queue.ClaimAsync(BatchSize, Options.Lease, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        using var client = new SmtpClient { Timeout = (int)Options.Timeout.TotalMilliseconds };
        foreach (var notification in claimed)
        {
            await SendAsync(client, smtp, notification, cancellationToken);
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(true, cancellationToken);
        }

        return claimed.Count;
    }

    private async Task SendAsync(SmtpClient client, SmtpSettings smtp, ClaimedNotification notification, CancellationToken cancellationToken)
    {
        if (!MailboxAddress.TryParse(notification.Email ?? "", out var to))
        {
            await queue.FailAsync(notification.NotificationId, notification.CustomerId, "failed", notification.Email,
                "The customer has no valid email address.", addressProblem: true, cancellationToken);
            return;
        }

        try
        {
            if (!client.IsConnected)
            {
                await ConnectAsync(client, smtp, cancellationToken);
            }

            await client.SendAsync(Compose(smtp, notification, to), cancellationToken);
            await queue.MarkSentAsync(notification.NotificationId, to.Address, cancellationToken);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            // Permanent: the server refused the recipient or the message itself.
            var addressProblem = ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted;
            logger.LogWarning("Email {MessageId} to customer {CustomerId} was refused for good: {Status} {Message}",
                notification.MessageId, notification.CustomerId, (int)ex.StatusCode, ex.Message);
            await queue.FailAsync(notification.NotificationId, notification.CustomerId, addressProblem ? "bounced" : "failed", to.Address,
                $"{(int)ex.StatusCode} {ex.Message}", addressProblem, cancellationToken);
            if (client.IsConnected && ex.ErrorCode != SmtpErrorCode.RecipientNotAccepted)
            {
                await client.DisconnectAsync(true, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException or SocketException or TimeoutException
                                       or AuthenticationException or ServiceNotConnectedException or SslHandshakeException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await RetryOrGiveUpAsync(notification, to.Address, ex, cancellationToken);
            if (client.IsConnected)
            {
                await client.DisconnectAsync(false, CancellationToken.None);
            }
        }
    }

    private async Task RetryOrGiveUpAsync(ClaimedNotification notification, string recipient, Exception ex, CancellationToken cancellationToken)
    {
        var error = $"{ex.GetType().Name}: {ex.Message}";
        if (notification.Attempts >= Options.MaxAttempts)
        {
            logger.LogWarning("Email {MessageId} failed {Attempts} times and is given up: {Error}", notification.MessageId, notification.Attempts, error);
            await queue.FailAsync(notification.NotificationId, notification.CustomerId, "failed", recipient, error, addressProblem: false, cancellationToken);
            return;
        }

        var wait = Backoff.Delay(Options.RetryDelay, Options.MaxRetryDelay, notification.Attempts);
        logger.LogInformation("Email {MessageId} failed (attempt {Attempts}); retrying in {Wait}: {Error}", notification.MessageId, notification.Attempts, wait, error);
        await queue.RetryLaterAsync(notification.NotificationId, wait, error, cancellationToken);
    }

    private static async Task ConnectAsync(SmtpClient client, SmtpSettings smtp, CancellationToken cancellationToken)
    {
        var security = smtp.Security switch
        {
            "none" => SecureSocketOptions.None,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken);
        if (smtp.Username is { Length: > 0 } username)
        {
            await client.AuthenticateAsync(username, smtp.Password ?? "", cancellationToken);
        }
    }

    public static MimeMessage Compose(SmtpSettings smtp, ClaimedNotification notification, MailboxAddress to)
    {
        var rendered = NotificationTemplates.Render(notification.Kind, notification.Fields,
            new EmailContext(notification.CustomerName.Length > 0 ? notification.CustomerName : "there", smtp.StoreName, smtp.StoreAddress));
        var message = new MimeMessage { Subject = rendered.Subject, MessageId = notification.MessageId };
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.FromAddress));
        message.To.Add(to);
        if (notification.InReplyTo is { } thread)
        {
            message.InReplyTo = thread;
            message.References.Add(thread);
        }

        message.Headers.Add("X-Misty-Notification", notification.Kind);
        message.Body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html }.ToMessageBody();
        return message;
    }
}

/// <summary>Exponential backoff: the first delay, doubled per further attempt, capped.</summary>
public static class Backoff
{
    public static TimeSpan Delay(TimeSpan first, TimeSpan max, int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var delay = first.TotalMilliseconds * factor;
        return delay >= max.TotalMilliseconds ? max : TimeSpan.FromMilliseconds(delay);
    }
}
