namespace Misty.Seeding;

/// <summary>
/// Sizes and the fixed inputs (random seed, anchor date) of the demo dataset. The same options always produce
/// the same rows, because nothing is taken from the clock: the history ends at <see cref="Anchor"/>, or at
/// <see cref="Until"/> when one is given (the seed verb gives the current moment, so a new store's today is busy).
/// </summary>
public sealed record SeedOptions
{
    public static readonly DateOnly DefaultAnchor = new(2026, 11, 1);

    public int Albums { get; init; } = 5_000;

    public int Customers { get; init; } = 20_000;

    /// <summary>Length of the order history in days, ending the day before <see cref="Anchor"/>.</summary>
    public int Days { get; init; } = 730;

    /// <summary>Number of orders; null scales it with customers and days (2.5 orders per customer over two years).</summary>
    public int? Orders { get; init; }

    public int Seed { get; init; } = 1969;

    /// <summary>The day the history ends (exclusive, midnight UTC): "now" as far as the dataset is concerned.</summary>
    public DateOnly Anchor { get; init; } = DefaultAnchor;

    /// <summary>
    /// The moment the history ends (UTC, the store's time zone), within the day before <see cref="Anchor"/>; null ends
    /// it at the anchor's midnight. Orders, cases and stock movements of that last day stop at this moment.
    /// </summary>
    public DateTime? Until { get; init; }

    public int OrderCount => Orders ?? (int)Math.Round(Customers * 2.5 * Days / 730.0, MidpointRounding.AwayFromZero);

    /// <summary>Options whose history runs up to <paramref name="moment"/>: today is the last of its days.</summary>
    public SeedOptions EndingAt(DateTime moment)
    {
        var until = SeedTime.WholeSeconds(moment.ToUniversalTime());
        return this with { Anchor = DateOnly.FromDateTime(until).AddDays(1), Until = until };
    }

    /// <summary>"Now" as far as the dataset is concerned: nothing happens at or after it.</summary>
    internal DateTime AnchorTime => Until ?? AnchorMidnight;

    internal DateTime HistoryStart => AnchorMidnight.AddDays(-Days);

    private DateTime AnchorMidnight => Anchor.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>When the store opened: the catalogue, labels and staff predate the order history.</summary>
    internal DateTime StoreOpened => HistoryStart.AddYears(-4);

    /// <summary>Throws when a size is out of range, before anything touches the database.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Albums, 1, nameof(Albums));
        ArgumentOutOfRangeException.ThrowIfLessThan(Customers, 1, nameof(Customers));
        ArgumentOutOfRangeException.ThrowIfLessThan(Days, 1, nameof(Days));
        ArgumentOutOfRangeException.ThrowIfNegative(OrderCount, nameof(Orders));
        // Every genre, including the youngest, must exist when the store opens; release years stay within the schema's range.
        ArgumentOutOfRangeException.ThrowIfLessThan(HistoryStart.Year, 1990, "Anchor minus Days");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Anchor.Year, 2100, nameof(Anchor));
        if (Until is { } until && (until >= AnchorMidnight || until < AnchorMidnight.AddDays(-1)))
        {
            throw new ArgumentOutOfRangeException(nameof(Until), until, "Until must fall within the day before Anchor.");
        }
    }
}
