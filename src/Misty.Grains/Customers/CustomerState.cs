using Misty.Grains.Interfaces.Customers;

namespace Misty.Grains.Customers;

/// <summary>Where an order stands for its customer, so that each notice counts once.</summary>
[GenerateSerializer, Alias("Misty.CustomerOrderPhase")]
public enum CustomerOrderPhase
{
    Placed,
    Purchased,
    Refunded,
    Cancelled,
}

[GenerateSerializer, Alias("Misty.CustomerState")]
public sealed class CustomerState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Email { get; set; } = "";
    [Id(2)] public string FirstName { get; set; } = "";
    [Id(3)] public string LastName { get; set; } = "";
    [Id(4)] public string? Phone { get; set; }
    [Id(5)] public string? Address { get; set; }
    [Id(6)] public DateTimeOffset JoinedAt { get; set; }
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }
    [Id(8)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>One more per stored change; the customers row carries the version it reflects.</summary>
    [Id(9)] public long Version { get; set; }
    [Id(10)] public decimal LifetimeValue { get; set; }
    [Id(11)] public int TotalPurchases { get; set; }
    [Id(12)] public decimal LargestPurchase { get; set; }
    [Id(13)] public DateTimeOffset? LastPurchaseAt { get; set; }
    /// <summary>Derived from purchases; until there are any, what the customer said they like.</summary>
    [Id(14)] public string? PreferredGenre { get; set; }
    [Id(15)] public CustomerStatus Status { get; set; }
    [Id(16)] public SegmentAssignment? Segment { get; set; }
    /// <summary>Units bought per genre (paid, not cancelled).</summary>
    [Id(17)] public Dictionary<string, int> GenreUnits { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Units bought per album (paid, not cancelled): what makes a review a verified purchase.</summary>
    [Id(18)] public Dictionary<Guid, int> AlbumUnits { get; set; } = [];
    [Id(19)] public Dictionary<Guid, CustomerOrder> Orders { get; set; } = [];
    /// <summary>Recent payment attempts (a few days' worth), for velocity and failed-attempt signals.</summary>
    [Id(20)] public Dictionary<Guid, PaymentAttempt> PaymentAttempts { get; set; } = [];
    /// <summary>Albums reviewed, with the review: one review per album.</summary>
    [Id(21)] public Dictionary<Guid, Guid> Reviews { get; set; } = [];
    [Id(22)] public List<InteractionRecord> RecentInteractions { get; set; } = [];
    /// <summary>Outbox: interactions stored here first, then projected to customer_interactions.</summary>
    [Id(23)] public List<InteractionRecord> PendingInteractions { get; set; } = [];
    /// <summary>Outbox: reviews stored here first, then projected to reviews.</summary>
    [Id(24)] public List<ReviewRecord> PendingReviews { get; set; } = [];
}

[GenerateSerializer, Alias("Misty.SegmentAssignment")]
public sealed record SegmentAssignment(
    [property: Id(0)] Guid SegmentId,
    [property: Id(1)] SegmentType SegmentType,
    [property: Id(2)] decimal SegmentScore,
    [property: Id(3)] DateTimeOffset AssignedAt);

/// <summary>An order as its customer's record sees it; <see cref="Lines"/> are what a paid order delivered.</summary>
[GenerateSerializer, Alias("Misty.CustomerOrder")]
public sealed record CustomerOrder([property: Id(0)] decimal Amount, [property: Id(1)] DateTimeOffset PlacedAt, [property: Id(2)] CustomerOrderPhase Phase)
{
    [Id(3)] public IReadOnlyList<PurchasedLine> Lines { get; init; } = [];
}

[GenerateSerializer, Alias("Misty.PaymentAttempt")]
public sealed record PaymentAttempt([property: Id(0)] DateTimeOffset At, [property: Id(1)] bool Failed);

[GenerateSerializer, Alias("Misty.InteractionRecord")]
public sealed record InteractionRecord(
    [property: Id(0)] Guid InteractionId,
    [property: Id(1)] InteractionType InteractionType,
    [property: Id(2)] string Summary,
    [property: Id(3)] string Sentiment,
    [property: Id(4)] DateTimeOffset InteractionDate);

[GenerateSerializer, Alias("Misty.ReviewRecord")]
public sealed record ReviewRecord(
    [property: Id(0)] Guid ReviewId,
    [property: Id(1)] Guid AlbumId,
    [property: Id(2)] int Rating,
    [property: Id(3)] string? ReviewText,
    [property: Id(4)] string Sentiment,
    [property: Id(5)] decimal SentimentScore,
    [property: Id(6)] bool VerifiedPurchase,
    [property: Id(7)] DateTimeOffset CreatedAt);
