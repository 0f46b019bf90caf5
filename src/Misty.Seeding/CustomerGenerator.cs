namespace Misty.Seeding;

/// <summary>A customer while the history is simulated: who they are, how often they buy, and what they bought so far.</summary>
internal sealed class CustomerProfile
{
    public required Guid Id { get; init; }
    public required string Email { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public required string Phone { get; init; }
    public required string Address { get; init; }
    public required DateTime JoinedAt { get; init; }
    public required int FavoriteGenre { get; init; }

    /// <summary>Relative buying frequency: heavy-tailed, because a few collectors buy most of the records.</summary>
    public required double Appetite { get; init; }

    public decimal LifetimeValue { get; private set; }
    public int Purchases { get; private set; }
    public DateTime? LastOrderAt { get; private set; }

    public void RecordPurchase(decimal total, DateTime at)
    {
        LifetimeValue += total;
        Purchases++;
        LastOrderAt = at;
    }
}

/// <summary>
/// Customers: about a third were already customers when the history starts; the rest sign up during it, more of
/// them as the store grows. Each has a favourite genre that steers what they buy.
/// </summary>
internal sealed class CustomerGenerator(SeedOptions options)
{
    private const double EstablishedShare = 0.3;
    private const double CollectorShare = 0.03;
    private readonly SeedRandom _random = new(options.Seed, SeedStream.Customers);

    public IReadOnlyList<CustomerProfile> Generate()
    {
        // At least one customer predates the history, so that the first day already has someone to sell to.
        var established = Math.Max(1, (int)Math.Round(options.Customers * EstablishedShare));
        var taken = new HashSet<string>();
        return Enumerable.Range(0, options.Customers)
            .Select(index => Generate(index < established, taken))
            .OrderBy(customer => customer.JoinedAt)
            .ToList();
    }

    private CustomerProfile Generate(bool established, HashSet<string> taken)
    {
        var first = _random.Faker.Name.FirstName();
        var last = _random.Faker.Name.LastName();
        // Sign-ups grow over the history: the density of join dates rises towards the anchor.
        var joinedAt = established
            ? _random.Between(options.StoreOpened, options.HistoryStart)
            : options.HistoryStart + TimeSpan.FromSeconds(Math.Floor((options.AnchorTime - options.HistoryStart).TotalSeconds * Math.Pow(_random.Double(), 0.75)));
        var appetite = Math.Exp(_random.Normal(0, 1.0)) * (_random.Chance(CollectorShare) ? 6 : 1) * (established ? 1.3 : 1);
        return new CustomerProfile
        {
            Id = _random.NextGuid(),
            Email = ContactDetails.Email(_random, first, last, taken),
            FirstName = first,
            LastName = last,
            Phone = ContactDetails.Phone(_random),
            Address = ContactDetails.PostalAddress(_random),
            JoinedAt = joinedAt,
            FavoriteGenre = _random.PickWeighted(MusicVocabulary.GenreWeights),
            Appetite = appetite,
        };
    }
}
