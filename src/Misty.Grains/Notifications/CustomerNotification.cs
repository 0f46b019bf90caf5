using System.Globalization;
using Misty.Grains.Interfaces;

namespace Misty.Grains.Notifications;

/// <summary>The kinds of email a customer gets, as the notifications.kind column spells them.</summary>
public static class NotificationKinds
{
    public const string OrderConfirmed = "order_confirmed";
    public const string PaymentFailed = "payment_failed";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string Cancelled = "cancelled";
    public const string Refunded = "refunded";
    public const string CaseReply = "case_reply";

    public static readonly IReadOnlyList<string> All = [OrderConfirmed, PaymentFailed, Shipped, Delivered, Cancelled, Refunded, CaseReply];
}

/// <summary>
/// One email a customer is owed because of a stored change. Its id is derived from what caused it (the order and the
/// event, or the case message), so queueing it again, from a replayed projection, finds the row already there.
/// </summary>
/// <param name="Fields">What the templates fill in, all as text (formatted once, when queued).</param>
/// <param name="ThreadId">The Message-ID the email continues (the case's thread), or null.</param>
public sealed record CustomerNotification(
    Guid NotificationId,
    Guid CustomerId,
    string Kind,
    Guid? OrderId,
    Guid? CaseId,
    IReadOnlyDictionary<string, string> Fields,
    string? ThreadId)
{
    /// <summary>The domain of the Message-IDs Misty gives its emails: fixed, so the id of a queued email never changes.</summary>
    public const string MessageIdDomain = "notifications.misty";

    /// <summary>The Message-ID, without angle brackets: stable across every retry of this email.</summary>
    public string MessageId => MessageIdOf(NotificationId);

    public static string MessageIdOf(Guid notificationId) => $"{notificationId:N}@{MessageIdDomain}";

    /// <summary>The thread a case's emails share: the customer's mail client groups them, and answers reference it.</summary>
    public static string CaseThreadOf(Guid caseId) => $"case-{caseId:N}@{MessageIdDomain}";

    public static Guid IdFor(string kind, Guid source) => StableIds.From($"notification\n{kind}\n{source:D}");

    public static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
