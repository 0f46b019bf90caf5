using Misty.Grains.Customers;
using Misty.Grains.Interfaces.Customers;
using Misty.Grains.Sentiment;

namespace Misty.Tests.Customers;

[Trait("Category", "Unit")]
public sealed class CustomerBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Order = Guid.NewGuid();
    private static readonly Guid Payment = Guid.NewGuid();
    private static readonly Guid Album = Guid.NewGuid();

    private readonly CustomerState _state = new() { Exists = true, JoinedAt = Now.AddYears(-2), CreatedAt = Now.AddYears(-2), Address = "1 Groove St" };
    private readonly CustomerBook _book;

    public CustomerBookTests() => _book = new CustomerBook(_state, SentimentAnalyzer.Default);

    private static OrderNotice Notice(OrderNoticeKind kind, decimal amount = 40m, int quantity = 2, Guid? payment = null, Guid? order = null) =>
        new(order ?? Order, kind is OrderNoticeKind.Placed or OrderNoticeKind.Cancelled ? null : payment ?? Payment, kind, amount,
            kind == OrderNoticeKind.Purchased ? [new PurchasedLine(Album, "Jazz", quantity)] : [], Now);

    [Fact]
    public void A_purchase_counts_once_whatever_is_replayed()
    {
        Assert.True(_book.Apply(Notice(OrderNoticeKind.Placed)));
        Assert.True(_book.Apply(Notice(OrderNoticeKind.Purchased)));
        Assert.False(_book.Apply(Notice(OrderNoticeKind.Purchased)));
        Assert.False(_book.Apply(Notice(OrderNoticeKind.Placed)));

        Assert.Equal((40m, 1, 40m, Now), (_state.LifetimeValue, _state.TotalPurchases, _state.LargestPurchase, _state.LastPurchaseAt));
        Assert.Equal((2, 2), (_state.AlbumUnits[Album], _state.GenreUnits["Jazz"]));
    }

    [Fact]
    public void A_refund_takes_the_money_back_and_a_cancellation_the_goods_too()
    {
        _book.Apply(Notice(OrderNoticeKind.Placed));
        _book.Apply(Notice(OrderNoticeKind.Purchased));
        Assert.True(_book.Apply(Notice(OrderNoticeKind.Refunded)));
        Assert.False(_book.Apply(Notice(OrderNoticeKind.Refunded)));
        Assert.Equal((0m, 0, 2), (_state.LifetimeValue, _state.TotalPurchases, _state.AlbumUnits[Album]));

        Assert.True(_book.Apply(Notice(OrderNoticeKind.Cancelled)));
        Assert.Empty(_state.AlbumUnits);
        Assert.Empty(_state.GenreUnits);
        Assert.False(_book.Apply(Notice(OrderNoticeKind.Cancelled)));
        // A purchase notice arriving after the cancellation does not bring the order back.
        Assert.False(_book.Apply(Notice(OrderNoticeKind.Purchased)));
        Assert.Equal(0, _state.TotalPurchases);
    }

    [Fact]
    public void The_fraud_model_sees_recent_orders_and_failed_attempts()
    {
        _book.Apply(Notice(OrderNoticeKind.Placed));
        _book.Apply(Notice(OrderNoticeKind.PaymentFailed, payment: Guid.NewGuid()));
        _book.Apply(Notice(OrderNoticeKind.PaymentFailed, payment: Guid.NewGuid()));
        _book.Apply(Notice(OrderNoticeKind.Placed, order: Guid.NewGuid()));

        var risk = _book.Risk(Now.AddMinutes(30));
        Assert.Equal((2, 2, 2, "1 Groove St"), (risk.OrdersLast24Hours, risk.PaymentAttemptsLastHour, risk.FailedPaymentsLast24Hours, risk.Address));
        Assert.Equal((0, 0), (_book.Risk(Now.AddDays(2)).OrdersLast24Hours, _book.Risk(Now.AddDays(2)).FailedPaymentsLast24Hours));

        // Attempts older than the memory are forgotten when the customer is reassessed.
        _book.Reassess(Now + CustomerBook.AttemptMemory + TimeSpan.FromHours(1));
        Assert.Empty(_state.PaymentAttempts);
    }

    [Fact]
    public void Reassessing_follows_the_purchases_to_segment_status_and_favourite_genre()
    {
        Assert.True(_book.Reassess(Now));
        Assert.Equal((SegmentType.CasualBuyer, CustomerStatus.Inactive), (_state.Segment!.SegmentType, _state.Status));
        var casual = _state.Segment.SegmentId;

        for (var i = 0; i < 12; i++)
        {
            var order = Guid.NewGuid();
            _book.Apply(Notice(OrderNoticeKind.Placed, order: order));
            _book.Apply(Notice(OrderNoticeKind.Purchased, amount: 150m, order: order, payment: Guid.NewGuid()));
        }

        Assert.True(_book.Reassess(Now));
        Assert.Equal((SegmentType.VipCollector, CustomerStatus.Vip, "Jazz"), (_state.Segment.SegmentType, _state.Status, _state.PreferredGenre));
        Assert.NotEqual(casual, _state.Segment.SegmentId);
        Assert.False(_book.Reassess(Now));
    }

    [Fact]
    public void Interactions_and_reviews_go_to_the_outbox_and_one_review_per_album_is_kept()
    {
        for (var i = 0; i < CustomerBook.RecentInteractionsKept + 2; i++)
        {
            _book.Interact(new InteractionDraft(InteractionType.Email, $"Thanks, the record sounds wonderful ({i})", null), Now);
        }

        Assert.Equal(CustomerBook.RecentInteractionsKept, _state.RecentInteractions.Count);
        Assert.Equal(CustomerBook.RecentInteractionsKept + 2, _state.PendingInteractions.Count);
        Assert.Equal("positive", _state.RecentInteractions[0].Sentiment);

        var unverified = _book.Review(new ReviewDraft(Album, 5, "A wonderful pressing, I love it"), Now)!;
        Assert.False(unverified.VerifiedPurchase);
        Assert.Null(_book.Review(new ReviewDraft(Album, 1, "Again"), Now));
        _book.Apply(Notice(OrderNoticeKind.Purchased));
        Assert.True(_book.Review(new ReviewDraft(Guid.NewGuid(), 4, null), Now) is { VerifiedPurchase: false });
        Assert.Equal(2, _state.PendingReviews.Count);
    }
}
