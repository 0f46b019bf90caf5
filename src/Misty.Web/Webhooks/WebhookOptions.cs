namespace Misty.Web.Webhooks;

/// <summary>Settings under Misty:Webhooks.</summary>
public sealed class WebhookOptions
{
    /// <summary>Lets subscribers use private and loopback addresses, over http too (tests, a trusted private network).</summary>
    public bool AllowPrivateAddresses { get; set; }
    /// <summary>How long a delivery is retried, and how long a subscriber may fail before it is disabled.</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);
    /// <summary>The wait after the first failed attempt; it doubles with each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long a claimed delivery stays with its node before another may take it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);
}
