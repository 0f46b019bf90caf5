namespace Misty.Grains.Interfaces.Customers;

[GenerateSerializer, Immutable, Alias("Misty.NewCustomer")]
public sealed record NewCustomer(
    [property: Id(0)] string Email,
    [property: Id(1)] string FirstName,
    [property: Id(2)] string LastName,
    [property: Id(3)] string? Phone,
    [property: Id(4)] string? Address);

[GenerateSerializer, Immutable, Alias("Misty.SegmentView")]
public sealed record SegmentView(
    [property: Id(0)] Guid SegmentId,
    [property: Id(1)] SegmentType SegmentType,
    [property: Id(2)] decimal SegmentScore,
    [property: Id(3)] DateOnly AssignedDate);

[GenerateSerializer, Immutable, Alias("Misty.InteractionView")]
public sealed record InteractionView(
    [property: Id(0)] Guid InteractionId,
    [property: Id(1)] InteractionType InteractionType,
    [property: Id(2)] string Summary,
    [property: Id(3)] string Sentiment,
    [property: Id(4)] DateTimeOffset InteractionDate);

/// <param name="RecentInteractions">The latest interactions recorded through this grain, newest first.</param>
[GenerateSerializer, Immutable, Alias("Misty.CustomerView")]
public sealed record CustomerView(
    [property: Id(0)] Guid CustomerId,
    [property: Id(1)] string Email,
    [property: Id(2)] string FirstName,
    [property: Id(3)] string LastName,
    [property: Id(4)] string? Phone,
    [property: Id(5)] string? Address,
    [property: Id(6)] DateOnly DateJoined,
    [property: Id(7)] decimal LifetimeValue,
    [property: Id(8)] int TotalPurchases,
    [property: Id(9)] string? PreferredGenre,
    [property: Id(10)] CustomerStatus Status,
    [property: Id(11)] SegmentView? Segment,
    [property: Id(12)] IReadOnlyList<InteractionView> RecentInteractions,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] DateTimeOffset UpdatedAt,
    [property: Id(15)] long Version);

/// <summary>What the fraud model needs to know about a customer's history, as of now.</summary>
/// <param name="LargestPurchase">The largest order the customer has paid for (0 when none).</param>
[GenerateSerializer, Immutable, Alias("Misty.CustomerRiskProfile")]
public sealed record CustomerRiskProfile(
    [property: Id(0)] DateTimeOffset JoinedAt,
    [property: Id(1)] string? Address,
    [property: Id(2)] int Purchases,
    [property: Id(3)] decimal LifetimeValue,
    [property: Id(4)] decimal LargestPurchase,
    [property: Id(5)] int OrdersLast24Hours,
    [property: Id(6)] int PaymentAttemptsLastHour,
    [property: Id(7)] int FailedPaymentsLast24Hours);

[GenerateSerializer, Alias("Misty.OrderNoticeKind")]
public enum OrderNoticeKind
{
    /// <summary>The customer placed the order (counts for velocity).</summary>
    Placed,
    PaymentFailed,
    /// <summary>The order was paid: it counts as a purchase (lifetime value, genres, verified reviews).</summary>
    Purchased,
    /// <summary>The payment was refunded: the money no longer counts, the goods stay with the customer.</summary>
    Refunded,
    /// <summary>The order was cancelled: money and goods went back.</summary>
    Cancelled,
}

[GenerateSerializer, Immutable, Alias("Misty.PurchasedLine")]
public sealed record PurchasedLine([property: Id(0)] Guid AlbumId, [property: Id(1)] string? Genre, [property: Id(2)] int Quantity);

/// <summary>An order's news for its customer; applying the same notice twice changes nothing.</summary>
[GenerateSerializer, Immutable, Alias("Misty.OrderNotice")]
public sealed record OrderNotice(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] Guid? PaymentId,
    [property: Id(2)] OrderNoticeKind Kind,
    [property: Id(3)] decimal Amount,
    [property: Id(4)] IReadOnlyList<PurchasedLine> Lines,
    [property: Id(5)] DateTimeOffset At);

[GenerateSerializer, Immutable, Alias("Misty.InteractionDraft")]
public sealed record InteractionDraft(
    [property: Id(0)] InteractionType InteractionType,
    [property: Id(1)] string Summary,
    [property: Id(2)] DateTimeOffset? InteractionDate);

[GenerateSerializer, Immutable, Alias("Misty.ReviewDraft")]
public sealed record ReviewDraft([property: Id(0)] Guid AlbumId, [property: Id(1)] int Rating, [property: Id(2)] string? ReviewText);

[GenerateSerializer, Immutable, Alias("Misty.ReviewView")]
public sealed record ReviewView(
    [property: Id(0)] Guid ReviewId,
    [property: Id(1)] Guid CustomerId,
    [property: Id(2)] Guid AlbumId,
    [property: Id(3)] int Rating,
    [property: Id(4)] string? ReviewText,
    [property: Id(5)] string Sentiment,
    [property: Id(6)] decimal SentimentScore,
    [property: Id(7)] bool VerifiedPurchase,
    [property: Id(8)] DateTimeOffset CreatedAt);

[GenerateSerializer, Alias("Misty.CustomerResult")]
public enum CustomerResult
{
    Ok,
    NotFound,
    UnknownAlbum,
    /// <summary>The customer has already reviewed this album.</summary>
    AlreadyReviewed,
}

[GenerateSerializer, Immutable, Alias("Misty.ReviewOutcome")]
public sealed record ReviewOutcome([property: Id(0)] CustomerResult Result, [property: Id(1)] ReviewView? Review);
