using System.ComponentModel.DataAnnotations;
using Misty.Grains.Interfaces.Customers;

namespace Misty.Web.Customers;

public sealed record CreateCustomerRequest([property: Required] string? Email, [property: Required] string? FirstName, [property: Required] string? LastName, string? Phone, string? Address);

/// <param name="InteractionDate">When it happened; now when left out.</param>
public sealed record CreateInteractionRequest(string? InteractionType, string? Summary, DateTimeOffset? InteractionDate);

public sealed record CreateReviewRequest(Guid? CustomerId, Guid? AlbumId, int? Rating, string? ReviewText);

public sealed record SegmentResponse(Guid SegmentId, SegmentType SegmentType, decimal SegmentScore, DateOnly AssignedDate);

public sealed record InteractionResponse(Guid InteractionId, Guid CustomerId, InteractionType InteractionType, string Summary, string Sentiment,
    DateTimeOffset InteractionDate)
{
    public static InteractionResponse From(Guid customerId, InteractionView interaction) => new(interaction.InteractionId, customerId,
        interaction.InteractionType, interaction.Summary, interaction.Sentiment, interaction.InteractionDate);
}

/// <param name="Interactions">The latest interactions recorded through Misty, newest first.</param>
public sealed record CustomerResponse(
    Guid CustomerId,
    string Email,
    string FirstName,
    string LastName,
    string? Phone,
    string? Address,
    DateOnly DateJoined,
    decimal LifetimeValue,
    int TotalPurchases,
    string? PreferredGenre,
    CustomerStatus Status,
    SegmentResponse? Segment,
    IReadOnlyList<InteractionResponse> Interactions,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    public static CustomerResponse From(CustomerView customer) => new(customer.CustomerId, customer.Email, customer.FirstName, customer.LastName,
        customer.Phone, customer.Address, customer.DateJoined, customer.LifetimeValue, customer.TotalPurchases, customer.PreferredGenre, customer.Status,
        customer.Segment is { } segment ? new SegmentResponse(segment.SegmentId, segment.SegmentType, segment.SegmentScore, segment.AssignedDate) : null,
        [.. customer.RecentInteractions.Select(interaction => InteractionResponse.From(customer.CustomerId, interaction))],
        customer.CreatedAt, customer.UpdatedAt, customer.Version);
}

/// <summary>One customers row with its current segment, as the search reads it.</summary>
public sealed record CustomerSummaryResponse(
    Guid CustomerId,
    string Email,
    string FirstName,
    string LastName,
    decimal LifetimeValue,
    int TotalPurchases,
    CustomerStatus Status,
    SegmentType? SegmentType,
    decimal? SegmentScore);

public sealed record CustomerPage(IReadOnlyList<CustomerSummaryResponse> Items, int Page, int PageSize, long Total);

public sealed record ReviewResponse(
    Guid ReviewId, Guid CustomerId, Guid AlbumId, int Rating, string? ReviewText, string Sentiment, decimal SentimentScore, bool VerifiedPurchase,
    DateTimeOffset CreatedAt)
{
    public static ReviewResponse From(ReviewView review) => new(review.ReviewId, review.CustomerId, review.AlbumId, review.Rating, review.ReviewText,
        review.Sentiment, review.SentimentScore, review.VerifiedPurchase, review.CreatedAt);
}
