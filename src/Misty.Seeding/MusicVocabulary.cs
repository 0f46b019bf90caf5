namespace Misty.Seeding;

/// <summary>How artists of a genre are usually named.</summary>
internal enum ArtistStyle
{
    Band,
    Solo,
    Ensemble,
    Producer,
    Orchestra,
}

/// <summary>A genre of the demo store, with what its records are like (era, popularity, margin, naming).</summary>
internal sealed record GenreSpec(
    string Name, string Code, string Description, int Popularity, decimal Margin, ArtistStyle Style, int FirstYear, int PeakYear);

/// <summary>Word lists for generated artists, titles and labels: musical-sounding, and not real releases.</summary>
internal static class MusicVocabulary
{
    public static readonly IReadOnlyList<GenreSpec> Genres =
    [
        new("Rock", "ROC", "Guitar-driven rock from the classic era to today.", 95, 42.5m, ArtistStyle.Band, 1962, 1975),
        new("Jazz", "JAZ", "Bebop, hard bop, modal and fusion records.", 72, 45.0m, ArtistStyle.Ensemble, 1952, 1962),
        new("Blues", "BLU", "Delta, Chicago and electric blues.", 52, 44.0m, ArtistStyle.Solo, 1950, 1968),
        new("Soul", "SOU", "Soul and Motown-era rhythm and blues.", 66, 43.5m, ArtistStyle.Solo, 1960, 1970),
        new("Funk", "FUN", "Grooves, horns and the birth of the breakbeat.", 50, 44.5m, ArtistStyle.Band, 1966, 1975),
        new("Hip-Hop", "HIP", "Golden-age and modern hip-hop on wax.", 76, 38.0m, ArtistStyle.Solo, 1982, 1995),
        new("Electronic", "ELE", "House, techno, synth-pop and everything with a sequencer.", 68, 40.0m, ArtistStyle.Producer, 1977, 1998),
        new("Classical", "CLA", "Orchestral, chamber and solo repertoire.", 44, 47.0m, ArtistStyle.Orchestra, 1955, 1972),
        new("Folk", "FOL", "Singer-songwriters and traditional folk.", 50, 43.0m, ArtistStyle.Solo, 1960, 1971),
        new("Country", "COU", "Honky-tonk, outlaw and Americana.", 47, 41.0m, ArtistStyle.Solo, 1955, 1976),
        new("Reggae", "REG", "Roots, dub, ska and rocksteady.", 45, 44.0m, ArtistStyle.Band, 1966, 1977),
        new("Punk", "PUN", "First-wave punk, post-punk and hardcore.", 52, 41.5m, ArtistStyle.Band, 1976, 1980),
        new("Metal", "MET", "Heavy, thrash, doom and beyond.", 61, 40.5m, ArtistStyle.Band, 1970, 1986),
        new("Pop", "POP", "Chart pop across the decades.", 80, 37.0m, ArtistStyle.Solo, 1960, 1985),
        new("R&B", "RNB", "Contemporary and classic R&B.", 58, 39.0m, ArtistStyle.Solo, 1962, 1992),
        new("Latin", "LAT", "Salsa, bossa nova, cumbia and Latin jazz.", 40, 45.5m, ArtistStyle.Ensemble, 1958, 1974),
        new("Soundtrack", "OST", "Film, television and game scores.", 43, 42.0m, ArtistStyle.Orchestra, 1960, 1982),
        new("Indie", "IND", "Independent rock and pop from college radio onwards.", 73, 39.5m, ArtistStyle.Band, 1984, 2008),
        new("Ambient", "AMB", "Ambient, drone and new age.", 34, 46.0m, ArtistStyle.Producer, 1975, 1992),
        new("World", "WLD", "Afrobeat, highlife, Ethio-jazz and global sounds.", 31, 46.5m, ArtistStyle.Ensemble, 1965, 1980),
    ];

    /// <summary>Genre indexes weighted by popularity: what people buy and which genre they call their favourite.</summary>
    public static readonly IReadOnlyList<(int Index, double Weight)> GenreWeights =
        Genres.Select((genre, index) => (index, (double)genre.Popularity)).ToList();

    public static readonly IReadOnlyList<string> Adjectives =
    [
        "Blue", "Electric", "Midnight", "Golden", "Silver", "Hollow", "Velvet", "Broken", "Endless", "Quiet", "Wild",
        "Crimson", "Neon", "Distant", "Burning", "Frozen", "Secret", "Lonely", "Sweet", "Restless", "Cosmic", "Faded",
        "Northern", "Southern", "Paper", "Glass", "Iron", "Honey", "Lucky", "Strange", "Sunday", "Starlit", "Smoky",
        "Heavy", "Gentle", "Bright", "Dark", "Last", "Hidden", "Open", "Silent", "Savage", "Tender", "Rusty", "Painted",
        "Emerald", "Scarlet", "Amber", "Liquid",
    ];

    public static readonly IReadOnlyList<string> Nouns =
    [
        "Highway", "River", "Garden", "Mirror", "Horizon", "Echo", "Harbor", "Radio", "Diamond", "Thunder", "Shadow",
        "Ocean", "Station", "Canyon", "Lantern", "Carousel", "Orchard", "Desert", "Satellite", "Avenue", "Ballroom",
        "Frontier", "Island", "Motel", "Parade", "Signal", "Tide", "Valley", "Window", "Witness", "Circus", "Engine",
        "Fever", "Heart", "Kingdom", "Letter", "Machine", "Moon", "Paradise", "Rain", "Rebel", "Saint", "Season",
        "Skyline", "Storm", "Summer", "Sunrise", "Tiger", "Wolf", "Flame", "Dream", "Voyage", "Mountain", "Compass",
        "Cathedral", "Festival", "Lighthouse", "Meadow", "Telegraph", "Jukebox",
    ];

    public static readonly IReadOnlyList<string> BandNouns =
    [
        "Ravens", "Comets", "Strangers", "Drifters", "Wolves", "Saints", "Hurricanes", "Lanterns", "Pilots", "Sparrows",
        "Rebels", "Ghosts", "Tigers", "Outlaws", "Echoes", "Satellites", "Dreamers", "Wanderers", "Vipers", "Jets",
        "Kings", "Rivals", "Shadows", "Horses", "Arrows", "Engines", "Monarchs", "Prophets", "Sailors", "Thieves",
    ];

    public static readonly IReadOnlyList<string> EnsembleKinds = ["Trio", "Quartet", "Quintet", "Sextet", "Orchestra", "Ensemble", "Big Band"];

    public static readonly IReadOnlyList<string> ProducerKinds = ["Collective", "System", "Unit", "Sound", "Machine", "Experience"];

    public static readonly IReadOnlyList<string> OrchestraKinds =
        ["Philharmonic", "Symphony Orchestra", "Chamber Orchestra", "String Quartet", "Chamber Players", "Festival Orchestra"];

    public static readonly IReadOnlyList<string> Pieces =
        ["Symphony No. {0}", "Piano Concerto No. {0}", "String Quartets Vol. {0}", "Violin Sonatas Vol. {0}", "Suite No. {0}", "Nocturnes Book {0}"];

    public static readonly IReadOnlyList<string> Keys =
        ["C major", "D minor", "E-flat major", "F major", "G minor", "A major", "B-flat major", "C-sharp minor", "E minor"];

    public static readonly IReadOnlyList<string> Venues =
        ["Roxy", "Paradise Ballroom", "Night Owl Room", "Harbor Hall", "Town Hall", "Apollo Lounge", "Lakeside Pavilion", "Old Mill", "Palladium"];

    public static readonly IReadOnlyList<string> LabelSuffixes = ["Records", "Recordings", "Sound", "Music", "Discs", "Audio"];

    public static readonly IReadOnlyList<(string Item, double Weight)> LabelCountries =
    [
        ("United States", 40), ("United Kingdom", 20), ("Germany", 8), ("Japan", 7), ("France", 5), ("Jamaica", 4),
        ("Canada", 4), ("Sweden", 3), ("Netherlands", 3), ("Brazil", 3), ("Italy", 2), ("Australia", 2), ("Nigeria", 1),
    ];

    public static readonly IReadOnlyList<string> NewPressings =
        ["180g audiophile reissue", "Standard black vinyl", "Limited colored vinyl", "Gatefold double LP", "Remastered reissue"];

    public static readonly IReadOnlyList<string> UsedPressings =
        ["Original pressing", "Later repress", "First pressing", "Club edition", "Import pressing"];

    public static readonly IReadOnlyList<string> RareNotes =
    [
        "first pressing with the original inner sleeve", "white label promo copy", "withdrawn cover variant",
        "numbered limited edition", "signed by the artist", "test pressing", "misprinted label, a known collector's variant",
        "mono pressing",
    ];
}
