using Misty.Grains.Cases;
using Misty.Grains.Interfaces.Cases;

namespace Misty.Grains.Notifications;

/// <summary>
/// The emails a stored case owes its customer: every staff reply (never an internal note, never the customer's own
/// message), carrying the case number and threaded under the case's Message-ID.
/// </summary>
public static class CaseNotifications
{
    public static IReadOnlyList<CustomerNotification> Derive(CaseRow row, IEnumerable<CaseMessage> messages, DateTimeOffset now, TimeSpan horizon) =>
    [
        .. messages
            .Where(message => !message.IsInternal && !message.FromCustomer && message.UserId is not null && now - message.CreatedAt <= horizon)
            .Select(message => new CustomerNotification(
                CustomerNotification.IdFor(NotificationKinds.CaseReply, message.MessageId), row.CustomerId, NotificationKinds.CaseReply, null, row.CaseId,
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["caseNumber"] = row.CaseNumber,
                    ["subject"] = row.Subject,
                    ["message"] = message.Message,
                },
                CustomerNotification.CaseThreadOf(row.CaseId))),
    ];
}
