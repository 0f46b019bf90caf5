using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Sentiment;

namespace Misty.Grains.Customers;

/// <summary>
/// The rules of one customer's record, as plain logic over <see cref="CustomerState"/>: what an order's notice does to
/// lifetime value, purchases, genres and velocity (each notice counts once, whatever order they arrive in), the segment
/// and status that follow, and the history the fraud model sees.
/// </summary>
public sealed class CustomerBook(CustomerState state, SentimentAnalyzer sentiment)
{
    /// <summary>Payment attempts are remembered this long: the fraud signals look back a day at most.</summary>
    public static readonly TimeSpan AttemptMemory = TimeSpan.FromDays(7);

    public const int RecentInteractionsKept = 10;

    public CustomerState State => state;

    public CustomerRiskProfile Risk(DateTimeOffset now) => new(
        state.JoinedAt,
        state.Address,
        state.TotalPurchases,
        state.LifetimeValue,
        state.LargestPurchase,
        state.Orders.Values.Count(order => now - order.PlacedAt < TimeSpan.FromDays(1)),
        state.PaymentAttempts.Values.Count(attempt => now - attempt.At < TimeSpan.FromHours(1)),
        state.PaymentAttempts.Values.Count(attempt => attempt.Failed && now - attempt.At < TimeSpan.FromDays(1)));

    /// <returns>Whether the notice changed anything (a repeated one does not).</returns>
    public bool Apply(OrderNotice notice)
    {
        var known = state.Orders.TryGetValue(notice.OrderId, out var order);
        switch (notice.Kind)
        {
            case OrderNoticeKind.Placed when !known:
                state.Orders[notice.OrderId] = new CustomerOrder(notice.Amount, notice.At, CustomerOrderPhase.Placed);
                return true;
            case OrderNoticeKind.PaymentFailed:
                return RecordAttempt(notice, failed: true);
            case OrderNoticeKind.Purchased:
                var attempted = RecordAttempt(notice, failed: false);
                if (order?.Phase is CustomerOrderPhase.Purchased or CustomerOrderPhase.Refunded or CustomerOrderPhase.Cancelled)
                {
                    return attempted;
                }

                Purchase(notice);
                return true;
            case OrderNoticeKind.Refunded when order?.Phase == CustomerOrderPhase.Purchased:
                TakeMoneyBack(order);
                state.Orders[notice.OrderId] = order with { Phase = CustomerOrderPhase.Refunded };
                return true;
            case OrderNoticeKind.Cancelled when order is not null && order.Phase != CustomerOrderPhase.Cancelled:
                if (order.Phase == CustomerOrderPhase.Purchased)
                {
                    TakeMoneyBack(order);
                }

                TakeGoodsBack(order);
                state.Orders[notice.OrderId] = order with { Phase = CustomerOrderPhase.Cancelled };
                return true;
            default:
                return false;
        }
    }

    /// <summary>Re-derives segment, status and preferred genre as of <paramref name="now"/>; true when any changed.</summary>
    public bool Reassess(DateTimeOffset now)
    {
        var before = (state.Segment, state.Status, state.PreferredGenre);
        var fit = CustomerSegmentation.Assess(state.JoinedAt, state.LastPurchaseAt, state.TotalPurchases, state.LifetimeValue, now);
        state.Segment = state.Segment?.SegmentType == fit.Type
            ? state.Segment with { SegmentScore = fit.Score }
            // A new assignment is a new customer_segments row: the history of segments is kept.
            : new SegmentAssignment(Guid.NewGuid(), fit.Type, fit.Score, now);
        state.Status = CustomerSegmentation.StatusOf(fit.Type, state.JoinedAt, state.LastPurchaseAt, now);
        if (state.GenreUnits.Count > 0)
        {
            state.PreferredGenre = state.GenreUnits.OrderByDescending(genre => genre.Value).ThenBy(genre => genre.Key, StringComparer.Ordinal).First().Key;
        }

        foreach (var stale in state.PaymentAttempts.Where(attempt => now - attempt.Value.At > AttemptMemory).Select(attempt => attempt.Key).ToList())
        {
            state.PaymentAttempts.Remove(stale);
        }

        return before != (state.Segment, state.Status, state.PreferredGenre);
    }

    public InteractionRecord Interact(InteractionDraft draft, DateTimeOffset now)
    {
        var interaction = new InteractionRecord(Guid.NewGuid(), draft.InteractionType, draft.Summary,
            sentiment.Analyze(draft.Summary).Polarity.ToLabel(), draft.InteractionDate ?? now);
        state.PendingInteractions.Add(interaction);
        state.RecentInteractions.Insert(0, interaction);
        if (state.RecentInteractions.Count > RecentInteractionsKept)
        {
            state.RecentInteractions.RemoveAt(state.RecentInteractions.Count - 1);
        }

        return interaction;
    }

    /// <returns>The review, or null when the customer has reviewed this album already.</returns>
    public ReviewRecord? Review(ReviewDraft draft, DateTimeOffset now)
    {
        if (state.Reviews.ContainsKey(draft.AlbumId))
        {
            return null;
        }

        var scores = sentiment.Analyze(draft.ReviewText);
        var review = new ReviewRecord(Guid.NewGuid(), draft.AlbumId, draft.Rating, draft.ReviewText, scores.Polarity.ToLabel(),
            Math.Round((decimal)scores.Compound, 4, MidpointRounding.AwayFromZero), state.AlbumUnits.GetValueOrDefault(draft.AlbumId) > 0, now);
        state.Reviews[draft.AlbumId] = review.ReviewId;
        state.PendingReviews.Add(review);
        return review;
    }

    private bool RecordAttempt(OrderNotice notice, bool failed)
    {
        if (notice.PaymentId is not { } paymentId || state.PaymentAttempts.ContainsKey(paymentId))
        {
            return false;
        }

        state.PaymentAttempts[paymentId] = new PaymentAttempt(notice.At, failed);
        return true;
    }

    private void Purchase(OrderNotice notice)
    {
        var placedAt = state.Orders.TryGetValue(notice.OrderId, out var placed) ? placed.PlacedAt : notice.At;
        state.Orders[notice.OrderId] = new CustomerOrder(notice.Amount, placedAt, CustomerOrderPhase.Purchased) { Lines = notice.Lines };
        state.LifetimeValue += notice.Amount;
        state.TotalPurchases++;
        state.LargestPurchase = Math.Max(state.LargestPurchase, notice.Amount);
        state.LastPurchaseAt = state.LastPurchaseAt is { } last && last > notice.At ? last : notice.At;
        foreach (var line in notice.Lines)
        {
            state.AlbumUnits[line.AlbumId] = state.AlbumUnits.GetValueOrDefault(line.AlbumId) + line.Quantity;
            if (line.Genre is { } genre)
            {
                state.GenreUnits[genre] = state.GenreUnits.GetValueOrDefault(genre) + line.Quantity;
            }
        }
    }

    private void TakeMoneyBack(CustomerOrder order)
    {
        state.LifetimeValue = Math.Max(0, state.LifetimeValue - order.Amount);
        state.TotalPurchases = Math.Max(0, state.TotalPurchases - 1);
    }

    /// <summary>The goods went back to the store: they no longer count for genres or verified reviews.</summary>
    private void TakeGoodsBack(CustomerOrder order)
    {
        foreach (var line in order.Lines)
        {
            Take(state.AlbumUnits, line.AlbumId, line.Quantity);
            if (line.Genre is { } genre)
            {
                Take(state.GenreUnits, genre, line.Quantity);
            }
        }
    }

    private static void Take<TKey>(Dictionary<TKey, int> units, TKey key, int quantity) where TKey : notnull
    {
        var left = units.GetValueOrDefault(key) - quantity;
        if (left > 0)
        {
            units[key] = left;
        }
        else
        {
            units.Remove(key);
        }
    }
}
