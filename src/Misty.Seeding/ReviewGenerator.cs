namespace Misty.Seeding;

/// <summary>
/// Reviews: some customers review what was delivered to them (verified purchases) a few days to weeks later; a few
/// review records they did not buy here. Ratings lean positive, worn copies draw worse ones, and the text, sentiment
/// and compound score agree with the rating. One review per customer and album.
/// </summary>
internal sealed class ReviewGenerator(SeedOptions options, Catalog catalog, IReadOnlyList<CustomerProfile> customers)
{
    private const double ReviewShare = 0.07;
    private const double UnverifiedShare = 0.1;

    private static readonly IReadOnlyList<(int Rating, double Weight)> Ratings = [(5, 43), (4, 33), (3, 14), (2, 6), (1, 4)];
    private static readonly double[] ScoreByRating = [-0.8, -0.45, 0.05, 0.55, 0.85];

    private static readonly string[][] Openers =
    [
        ["Terrible experience.", "Unplayable copy, very disappointed.", "A complete waste of money.", "Awful: the record is warped."],
        ["Disappointing pressing.", "Not what I hoped for.", "The sound is thin and the vinyl is noisy.", "Hard to recommend this copy."],
        ["Decent record, nothing special.", "The music is fine, the pressing is just okay.", "Mixed feelings about this one.", "It is alright, though I expected more."],
        ["Great album and a solid pressing.", "Really enjoying this one.", "A very good record with a warm, full sound.", "A strong release, well worth it."],
        ["Absolutely stunning record.", "An all-time favourite, and this copy does it justice.", "Could not be happier with this one.", "Pure magic from the first track to the last."],
    ];

    private static readonly string[] NegativeDetails =
        ["Lots of crackle and a skip on side one.", "The grading was far too generous.", "It arrived with a crushed corner.", "It sounds muddy, like a bootleg."];

    private static readonly string[] NeutralDetails =
        ["Some surface noise in the quieter passages.", "The sleeve has more wear than I expected.", "Delivery took a while."];

    private static readonly string[] PositiveDetails =
        ["Quiet vinyl, perfectly centred, and the sleeve is gorgeous.", "Packed well and arrived quickly.", "The grading was spot on, if anything conservative.", "Side two is the highlight."];

    private readonly SeedRandom _random = new(options.Seed, SeedStream.Reviews);
    private readonly HashSet<(Guid Customer, Guid Album)> _reviewed = [];
    private readonly List<ReviewRow> _reviews = [];

    public IReadOnlyList<ReviewRow> Generate(IReadOnlyList<Delivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            var at = delivery.DeliveredAt + _random.Days(2, 40);
            if (_random.Chance(ReviewShare) && at < options.AnchorTime)
            {
                TryAdd(delivery.Customer, delivery.Album, verified: true, at);
            }
        }

        var unverified = (int)Math.Round(_reviews.Count * UnverifiedShare);
        for (var i = 0; i < unverified; i++)
        {
            var customer = _random.Pick(customers);
            var album = _random.Pick(catalog.Albums);
            var from = new[] { customer.JoinedAt, album.Row.CreatedAt, options.HistoryStart }.Max();
            if (from < options.AnchorTime)
            {
                TryAdd(customer, album, verified: false, _random.Between(from, options.AnchorTime));
            }
        }

        return _reviews;
    }

    private void TryAdd(CustomerProfile customer, CatalogAlbum album, bool verified, DateTime at)
    {
        if (!_reviewed.Add((customer.Id, album.Row.AlbumId)))
        {
            return;
        }

        var rating = Rating(album.Row.Condition);
        var score = Math.Clamp(_random.Normal(ScoreByRating[rating - 1], 0.08), -1, 1);
        var sentiment = rating >= 4 ? "positive" : rating == 3 ? "neutral" : "negative";
        _reviews.Add(new ReviewRow(
            _random.NextGuid(), customer.Id, album.Row.AlbumId, rating, Text(rating), sentiment,
            Math.Round((decimal)score, 4, MidpointRounding.AwayFromZero), verified, at));
    }

    /// <summary>Copies graded G+ or worse disappoint more often.</summary>
    private int Rating(string condition)
    {
        var rating = _random.PickWeighted(Ratings);
        var worn = condition is "G+" or "G" or "F" or "P";
        return worn && rating > 1 && _random.Chance(0.4) ? rating - 1 : rating;
    }

    private string Text(int rating)
    {
        var details = rating >= 4 ? PositiveDetails : rating == 3 ? NeutralDetails : NegativeDetails;
        return $"{_random.Pick(Openers[rating - 1])} {_random.Pick(details)}";
    }
}
