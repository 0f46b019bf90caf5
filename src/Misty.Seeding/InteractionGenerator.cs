namespace Misty.Seeding;

/// <summary>Contact history: emails, calls, chats, visits and site activity, about one and a half per customer.</summary>
internal sealed class InteractionGenerator(SeedOptions options, IReadOnlyList<CustomerProfile> customers)
{
    private const double InteractionsPerCustomer = 1.5;

    private static readonly IReadOnlyList<(string Type, double Weight)> Types =
        [("email", 30), ("phone", 15), ("chat", 20), ("in_store", 20), ("online", 15)];

    private static readonly IReadOnlyList<(string Sentiment, double Weight)> Sentiments =
        [("positive", 45), ("neutral", 40), ("negative", 15)];

    private static readonly Dictionary<string, IReadOnlyList<string>> Summaries = new()
    {
        ["email"] = ["Asked about the status of a recent order.", "Asked to hear about new {genre} arrivals.", "Sent feedback about the packaging."],
        ["phone"] = ["Called to check whether a {genre} record was in stock.", "Phoned to change a delivery address.", "Asked about selling a record collection."],
        ["chat"] = ["Chatted about shipping times.", "Asked for {genre} recommendations like a favourite album.", "Needed help with a discount code."],
        ["in_store"] = ["Browsed the {genre} racks and asked for recommendations.", "Brought records in for a trade-in valuation.", "Picked up a reserved record."],
        ["online"] = ["Left {genre} records in the basket without checking out.", "Added several albums to the wish list.", "Signed up for Record Store Day alerts."],
    };

    private readonly SeedRandom _random = new(options.Seed, SeedStream.Interactions);

    public IReadOnlyList<CustomerInteractionRow> Generate() =>
        Enumerable.Range(0, (int)Math.Round(customers.Count * InteractionsPerCustomer))
            .Select(_ => Interaction(_random.Pick(customers)))
            .ToList();

    private CustomerInteractionRow Interaction(CustomerProfile customer)
    {
        var type = _random.PickWeighted(Types);
        var genre = MusicVocabulary.Genres[customer.FavoriteGenre].Name;
        var from = customer.JoinedAt > options.HistoryStart ? customer.JoinedAt : options.HistoryStart;
        return new CustomerInteractionRow(
            _random.NextGuid(),
            customer.Id,
            type,
            _random.Pick(Summaries[type]).Replace("{genre}", genre, StringComparison.Ordinal),
            _random.PickWeighted(Sentiments),
            _random.Between(from, options.AnchorTime));
    }
}
