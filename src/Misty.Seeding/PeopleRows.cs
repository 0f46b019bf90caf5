namespace Misty.Seeding;

internal sealed record UserRow(
    Guid UserId,
    string Email,
    string PasswordHash,
    string FirstName,
    string LastName,
    string Role,
    DateTime LastLogin,
    DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "users", "user_id", "email", "password_hash", "first_name", "last_name", "role", "active", "last_login",
        "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(UserId);
        await writer.Text(Email);
        await writer.Text(PasswordHash);
        await writer.Text(FirstName);
        await writer.Text(LastName);
        await writer.Enum(Role);
        await writer.Bool(true);
        await writer.Time(LastLogin);
        await writer.Time(CreatedAt);
        await writer.Time(CreatedAt);
    }
}

internal sealed record CustomerRow(
    Guid CustomerId,
    string Email,
    string FirstName,
    string LastName,
    string Phone,
    string Address,
    DateOnly DateJoined,
    decimal LifetimeValue,
    int TotalPurchases,
    string PreferredGenre,
    string Status,
    DateTime CreatedAt,
    DateTime UpdatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "customers", "customer_id", "email", "first_name", "last_name", "phone", "address", "date_joined",
        "lifetime_value", "total_purchases", "preferred_genre", "status", "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(CustomerId);
        await writer.Text(Email);
        await writer.Text(FirstName);
        await writer.Text(LastName);
        await writer.Text(Phone);
        await writer.Text(Address);
        await writer.Date(DateJoined);
        await writer.Numeric(LifetimeValue);
        await writer.Int(TotalPurchases);
        await writer.Text(PreferredGenre);
        await writer.Enum(Status);
        await writer.Time(CreatedAt);
        await writer.Time(UpdatedAt);
    }
}

internal sealed record CustomerSegmentRow(
    Guid SegmentId, Guid CustomerId, string SegmentType, DateOnly AssignedDate, decimal SegmentScore, DateTime CreatedAt) : ISeedRow
{
    public static SeedTable Table { get; } = new(
        "customer_segments", "segment_id", "customer_id", "segment_type", "assigned_date", "segment_score",
        "created_at", "updated_at");

    public async Task WriteAsync(CopyRowWriter writer)
    {
        await writer.Uuid(SegmentId);
        await writer.Uuid(CustomerId);
        await writer.Enum(SegmentType);
        await writer.Date(AssignedDate);
        await writer.Numeric(SegmentScore);
        await writer.Time(CreatedAt);
        await writer.Time(CreatedAt);
    }
}
