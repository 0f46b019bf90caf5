namespace Misty.Seeding;

internal sealed record CaseRow(
    Guid CaseId,
    string CaseNumber,
    Guid CustomerId,
    string Subject,
    string Description,
    string Category,
    string Priority,
    string Status,
    Guid? AssignedTo,
    string AiSentiment,
    int AiScore,
    string AiSuggestion,
    DateTime CreatedAt,
    DateTime? ResolvedAt,
    DateTime UpdatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "cases", "case_id", "case_number", "customer_id", "subject", "description", "category", "priority", "status",
        "assigned_to", "ai_sentiment", "ai_score", "ai_suggestion", "created_at", "resolved_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(CaseId);
        await writer.Text(CaseNumber);
        await writer.Uuid(CustomerId);
        await writer.Text(Subject);
        await writer.Text(Description);
        await writer.Enum(Category);
        await writer.Enum(Priority);
        await writer.Enum(Status);
        await writer.Uuid(AssignedTo);
        await writer.Text(AiSentiment);
        await writer.Int(AiScore);
        await writer.Text(AiSuggestion);
        await writer.Time(CreatedAt);
        await writer.Time(ResolvedAt);
        await writer.Time(UpdatedAt);
    }
}

internal sealed record CaseMessageRow(
    Guid MessageId, Guid CaseId, Guid? UserId, string Message, bool IsInternal, bool FromCustomer, DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "case_messages", "message_id", "case_id", "user_id", "message", "is_internal", "from_customer", "created_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(MessageId);
        await writer.Uuid(CaseId);
        await writer.Uuid(UserId);
        await writer.Text(Message);
        await writer.Bool(IsInternal);
        await writer.Bool(FromCustomer);
        await writer.Time(CreatedAt);
    }
}

internal sealed record ReviewRow(
    Guid ReviewId,
    Guid CustomerId,
    Guid AlbumId,
    int Rating,
    string ReviewText,
    string Sentiment,
    decimal SentimentScore,
    bool VerifiedPurchase,
    DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "reviews", "review_id", "customer_id", "album_id", "rating", "review_text", "sentiment", "sentiment_score",
        "verified_purchase", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(ReviewId);
        await writer.Uuid(CustomerId);
        await writer.Uuid(AlbumId);
        await writer.Int(Rating);
        await writer.Text(ReviewText);
        await writer.Text(Sentiment);
        await writer.Numeric(SentimentScore);
        await writer.Bool(VerifiedPurchase);
        await writer.Time(CreatedAt);
        await writer.Time(CreatedAt);
    }
}

internal sealed record CustomerInteractionRow(
    Guid InteractionId, Guid CustomerId, string InteractionType, string Summary, string Sentiment, DateTime InteractionDate)
    : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "customer_interactions", "interaction_id", "customer_id", "interaction_type", "summary", "sentiment",
        "interaction_date", "created_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(InteractionId);
        await writer.Uuid(CustomerId);
        await writer.Enum(InteractionType);
        await writer.Text(Summary);
        await writer.Text(Sentiment);
        await writer.Time(InteractionDate);
        await writer.Time(InteractionDate);
    }
}
