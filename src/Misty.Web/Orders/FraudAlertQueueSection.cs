using Misty.Grains.Interfaces.Orders;
using Misty.Persistence;
using Misty.Web.Dashboard;
using Npgsql;

namespace Misty.Web.Orders;

/// <summary>
/// The fraud alert queue: flagged payments of orders still held for review, oldest first; the dashboard's snapshot is its
/// first page, the fraud review page pages through all of it. The rows find the candidates (a flagged payment still
/// pending); each order's grain, the source of truth, says whether it is still held and why it was flagged.
/// </summary>
public sealed class FraudAlertQueueSection(NpgsqlDataSource database, IGrainFactory grains) : IDashboardSection<FraudAlert>
{
    /// <summary>Enough to work through; the oldest wait longest, so they come first.</summary>
    public const int Limit = 25;

    // An order's alerts are numbered by its flagged payments in order, as the order grain numbers them.
    private const string FromWhere = """
        FROM (
            SELECT p.order_id, p.payment_id, p.status, p.created_at,
                   row_number() OVER (PARTITION BY p.order_id ORDER BY p.created_at, p.payment_id) AS alert
            FROM payments p JOIN orders o ON o.order_id = p.order_id
            WHERE p.fraud_flagged AND o.status = 'pending') flagged
        WHERE status = 'pending'
        """;

    private const string Select = $"SELECT order_id, payment_id, alert {FromWhere} ORDER BY created_at, payment_id";

    public async Task<IReadOnlyList<FraudAlert>> LoadAsync(CancellationToken cancellationToken) => (await PageAsync(1, Limit, cancellationToken)).Items;

    /// <returns>One page of the queue and how many alerts wait in all.</returns>
    public async Task<(IReadOnlyList<FraudAlert> Items, long Total)> PageAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        var (candidates, total) = await database.ReadPageAsync(FromWhere, Select, _ => { }, page, pageSize,
            reader => (OrderId: reader.GetGuid(0), PaymentId: reader.GetGuid(1), Alert: reader.GetInt64(2)), cancellationToken);
        var orders = await Task.WhenAll(candidates.Select(candidate => grains.GetGrain<IOrderGrain>(candidate.OrderId).GetAsync()));
        return ([.. candidates.Zip(orders)
            .Where(pair => pair.Second is { HeldForReview: true })
            .Select(pair => (pair.First, Order: pair.Second!, Payment: pair.Second!.Payments.FirstOrDefault(payment => payment.PaymentId == pair.First.PaymentId)))
            .Where(alert => alert.Payment is not null)
            .Select(alert => new FraudAlert(alert.Order.OrderId, alert.Payment!.PaymentId, alert.Order.CustomerId, alert.Payment.FraudScore,
                [.. alert.Payment.FraudReasons.Select(reason => reason.ToString())], alert.First.Alert, alert.Payment.CreatedAt))], total);
    }
}
