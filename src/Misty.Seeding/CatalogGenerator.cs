using System.Globalization;

namespace Misty.Seeding;

/// <summary>An album with what the order simulation needs to know about it.</summary>
internal sealed record CatalogAlbum(AlbumRow Row, int GenreIndex, double Popularity)
{
    /// <summary>A new (sealed, in-print) pressing rather than a graded used copy.</summary>
    public bool IsNewPressing => Row.Condition == RecordPricing.Mint.Code && !Row.IsRare;
}

/// <summary>The catalogue; albums are in the order they arrived in the store.</summary>
internal sealed record Catalog(IReadOnlyList<GenreRow> Genres, IReadOnlyList<LabelRow> Labels, IReadOnlyList<CatalogAlbum> Albums)
{
    /// <summary>A random album that was already in the store at the time (the oldest one if none was yet).</summary>
    public CatalogAlbum AlbumInStoreAt(SeedRandom random, DateTime at)
    {
        int low = 0, high = Albums.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (Albums[middle].Row.CreatedAt <= at)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return Albums[random.Int(0, Math.Max(low, 1) - 1)];
    }
}

/// <summary>
/// Genres, labels, artists and albums. Most of the catalogue was bought before the order history starts; the rest
/// arrives during it as new releases. Albums are returned in arrival order, SKUs numbered in that order.
/// </summary>
internal sealed class CatalogGenerator(SeedOptions options)
{
    private const double InitialCatalogShare = 0.9;

    private readonly SeedRandom _random = new(options.Seed, SeedStream.Catalog);
    private readonly HashSet<string> _usedNames = new(StringComparer.OrdinalIgnoreCase);

    public Catalog Generate()
    {
        var genreIds = MusicVocabulary.Genres.Select(_ => _random.NextGuid()).ToList();
        var labels = GenerateLabels();
        var artists = GenerateArtists(labels).Select(artist => (artist, artist.Prominence)).ToList();
        var albums = Enumerable.Range(0, options.Albums)
            .Select(index => DraftAlbum(index, artists, labels, genreIds))
            .OrderBy(draft => draft.CreatedAt)
            .Select((draft, sequence) => draft.ToAlbum(sequence))
            .ToList();
        var genres = MusicVocabulary.Genres
            .Select((genre, index) => GenreRow(genre, genreIds[index], albums.Where(album => album.GenreIndex == index)))
            .ToList();
        return new Catalog(genres, labels.Select(label => label.Row).ToList(), albums);
    }

    private List<LabelDraft> GenerateLabels()
    {
        var count = Math.Clamp(options.Albums / 60, 8, 90);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var name = UniqueName(() => $"{_random.Pick(MusicVocabulary.Adjectives)} {_random.Pick(MusicVocabulary.Nouns)} {_random.Pick(MusicVocabulary.LabelSuffixes)}");
            var row = new LabelRow(
                _random.NextGuid(), name, _random.PickWeighted(MusicVocabulary.LabelCountries), _random.Int(1948, 2016), options.StoreOpened);
            var focus = Enumerable.Range(0, _random.Int(1, 3)).Select(_ => PickGenreIndex()).ToHashSet();
            return new LabelDraft(row, focus);
        }).ToList();
    }

    private List<ArtistDraft> GenerateArtists(List<LabelDraft> labels)
    {
        var count = Math.Max(1, options.Albums * 10 / 26);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var genreIndex = PickGenreIndex();
            var genre = MusicVocabulary.Genres[genreIndex];
            var homeLabels = labels.Where(label => label.FocusGenres.Contains(genreIndex)).ToList();
            var career = (int)Math.Round(_random.Normal(genre.PeakYear, 9));
            return new ArtistDraft(
                UniqueName(() => ArtistName(genre)),
                genreIndex,
                _random.Pick(homeLabels.Count > 0 ? homeLabels : labels).Row,
                Math.Clamp(career, genre.FirstYear, options.Anchor.Year - 1),
                Math.Exp(_random.Normal(0, 0.9)));
        }).ToList();
    }

    private AlbumDraft DraftAlbum(int index, List<(ArtistDraft, double)> artists, List<LabelDraft> labels, List<Guid> genreIds)
    {
        var artist = _random.PickWeighted(artists);
        var genre = MusicVocabulary.Genres[artist.GenreIndex];
        var isNewRelease = index >= Math.Max(1, (int)Math.Round(options.Albums * InitialCatalogShare));
        var createdAt = isNewRelease
            ? _random.Between(options.HistoryStart, options.AnchorTime)
            : _random.Between(options.StoreOpened, options.HistoryStart);
        var releaseYear = isNewRelease
            ? createdAt.Year
            : Math.Clamp(artist.CareerStart + (int)_random.Exponential(6), genre.FirstYear, createdAt.Year);
        var rare = !isNewRelease && _random.Chance(releaseYear <= 1995 ? 0.06 : 0.015);
        var grade = isNewRelease ? RecordPricing.Mint : RecordPricing.PickGrade(_random, rare);
        var label = _random.Chance(0.8) ? artist.HomeLabel : _random.Pick(labels).Row;
        var popularity = (genre.Popularity / 100.0) * Math.Exp(_random.Normal(0, 1.0)) * artist.Prominence
            * (rare ? 0.25 : 1.0) * (grade == RecordPricing.Mint ? 1.3 : 1.0) * (isNewRelease ? 2.0 : 1.0);
        return new AlbumDraft
        {
            Id = _random.NextGuid(),
            Title = Title(genre),
            Artist = artist.Name,
            GenreIndex = artist.GenreIndex,
            GenreId = genreIds[artist.GenreIndex],
            Label = label,
            ReleaseYear = releaseYear,
            Grade = grade,
            Rare = rare,
            Price = RecordPricing.Price(_random, grade, rare),
            Description = Description(genre, label, releaseYear, grade, rare),
            CreatedAt = createdAt,
            Popularity = popularity,
        };
    }

    private string ArtistName(GenreSpec genre)
    {
        var faker = _random.Faker;
        return genre.Style switch
        {
            ArtistStyle.Band => _random.Int(0, 3) switch
            {
                0 => $"The {_random.Pick(MusicVocabulary.BandNouns)}",
                1 => $"The {_random.Pick(MusicVocabulary.Adjectives)} {_random.Pick(MusicVocabulary.BandNouns)}",
                2 => $"{_random.Pick(MusicVocabulary.Adjectives)} {_random.Pick(MusicVocabulary.Nouns)}",
                _ => $"{_random.Pick(MusicVocabulary.Nouns)} {_random.Pick(MusicVocabulary.BandNouns)}",
            },
            ArtistStyle.Solo => _random.Chance(0.1)
                ? $"{faker.Name.FirstName()} {faker.Name.LastName()} & the {_random.Pick(MusicVocabulary.BandNouns)}"
                : $"{faker.Name.FirstName()} {faker.Name.LastName()}",
            ArtistStyle.Ensemble => _random.Chance(0.5)
                ? $"{faker.Name.FirstName()} {faker.Name.LastName()} {_random.Pick(MusicVocabulary.EnsembleKinds)}"
                : $"{faker.Name.FirstName()} {faker.Name.LastName()}",
            ArtistStyle.Producer => _random.Int(0, 2) switch
            {
                0 => $"DJ {faker.Name.FirstName()}",
                1 => $"{_random.Pick(MusicVocabulary.Nouns)} {_random.Pick(MusicVocabulary.ProducerKinds)}",
                _ => $"{_random.Pick(MusicVocabulary.Adjectives)}{_random.Pick(MusicVocabulary.Nouns).ToLowerInvariant()}",
            },
            _ => $"{faker.Address.City()} {_random.Pick(MusicVocabulary.OrchestraKinds)}",
        };
    }

    private string Title(GenreSpec genre)
    {
        // Classical records are mostly named after the works; scores and everything else get word titles.
        if (genre.Code == "CLA" && _random.Chance(0.7))
        {
            var piece = string.Format(CultureInfo.InvariantCulture, _random.Pick(MusicVocabulary.Pieces), _random.Int(1, 9));
            return $"{piece} in {_random.Pick(MusicVocabulary.Keys)}";
        }

        var adjective = _random.Pick(MusicVocabulary.Adjectives);
        var noun = _random.Pick(MusicVocabulary.Nouns);
        var title = _random.Int(0, 9) switch
        {
            0 or 1 or 2 => $"{adjective} {noun}",
            3 => $"The {adjective} {noun}",
            4 => noun,
            5 => $"{noun} of the {_random.Pick(MusicVocabulary.Nouns)}",
            6 => $"Songs from the {noun}",
            7 => $"{noun} Sessions",
            8 => $"Live at the {_random.Pick(MusicVocabulary.Venues)}",
            _ => adjective,
        };
        return genre.Code == "OST" ? $"{title} (Original Score)" : title;
    }

    private string Description(GenreSpec genre, LabelRow label, int year, GoldmineGrade grade, bool rare)
    {
        var pressing = grade == RecordPricing.Mint && !rare
            ? _random.Pick(MusicVocabulary.NewPressings)
            : _random.Pick(MusicVocabulary.UsedPressings);
        var text = $"{pressing}, {year}, {label.Name}. {genre.Name} LP graded {grade.Code}: {grade.Meaning}.";
        return rare ? $"{text} Collector's item: {_random.Pick(MusicVocabulary.RareNotes)}." : text;
    }

    private int PickGenreIndex() => _random.PickWeighted(MusicVocabulary.GenreWeights);

    /// <summary>A name not used yet; after a few clashes a number makes it unique, so huge catalogues still terminate.</summary>
    private string UniqueName(Func<string> make)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var name = make();
            if (_usedNames.Add(name))
            {
                return name;
            }
        }

        var numbered = $"{make()} {_usedNames.Count + 1}";
        _usedNames.Add(numbered);
        return numbered;
    }

    private GenreRow GenreRow(GenreSpec genre, Guid genreId, IEnumerable<CatalogAlbum> albums)
    {
        var margins = albums.Where(album => album.Row.Price > 0)
            .Select(album => (album.Row.Price - album.Row.Cost) / album.Row.Price * 100)
            .ToList();
        // The genre's margin is what its albums actually make, so reports agree with the catalogue.
        var margin = margins.Count > 0 ? RecordPricing.Money(margins.Average()) : genre.Margin;
        return new GenreRow(genreId, genre.Name, genre.Description, margin, genre.Popularity, options.StoreOpened);
    }

    private sealed record LabelDraft(LabelRow Row, HashSet<int> FocusGenres);

    private sealed record ArtistDraft(string Name, int GenreIndex, LabelRow HomeLabel, int CareerStart, double Prominence);

    private sealed class AlbumDraft
    {
        public required Guid Id { get; init; }
        public required string Title { get; init; }
        public required string Artist { get; init; }
        public required int GenreIndex { get; init; }
        public required Guid GenreId { get; init; }
        public required LabelRow Label { get; init; }
        public required int ReleaseYear { get; init; }
        public required GoldmineGrade Grade { get; init; }
        public required bool Rare { get; init; }
        public required RecordPrice Price { get; init; }
        public required string Description { get; init; }
        public required DateTime CreatedAt { get; init; }
        public required double Popularity { get; init; }

        public CatalogAlbum ToAlbum(int sequence)
        {
            var sku = $"MR-{MusicVocabulary.Genres[GenreIndex].Code}-{sequence + 1:D6}";
            var row = new AlbumRow(
                Id, sku, Title, Artist, GenreId, Label.LabelId, ReleaseYear, Price.Price, Price.Cost, Grade.Code,
                Description, Rare, Price.EstimatedValue, CreatedAt);
            return new CatalogAlbum(row, GenreIndex, Popularity);
        }
    }
}
