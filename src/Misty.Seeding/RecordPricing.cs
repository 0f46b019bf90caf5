namespace Misty.Seeding;

/// <summary>A Goldmine grade: how common it is in the racks, what share of a clean copy's value it keeps, and what it means.</summary>
internal sealed record GoldmineGrade(string Code, double Share, double ValueFactor, string Meaning);

/// <summary>Prices a record from its grade and rarity the way a used-record shop does.</summary>
internal static class RecordPricing
{
    public static readonly GoldmineGrade Mint = new("M", 38, 1.00, "sealed, never played");

    public static readonly IReadOnlyList<GoldmineGrade> Grades =
    [
        Mint,
        new("NM", 18, 0.90, "nearly perfect, no obvious signs of wear"),
        new("VG+", 20, 0.70, "light signs of wear that do not affect playback"),
        new("VG", 12, 0.50, "light surface noise and scuffs, ring wear on the sleeve"),
        new("G+", 5, 0.35, "plays through with noticeable surface noise, worn cover"),
        new("G", 4, 0.25, "heavy surface noise, seam splits on the cover"),
        new("F", 2, 0.15, "heavily worn, may skip"),
        new("P", 1, 0.08, "cracked or badly warped, for the artwork only"),
    ];

    private static readonly IReadOnlyList<decimal> NewListPrices = [24.99m, 26.99m, 27.99m, 29.99m, 31.99m, 34.99m, 39.99m];

    public static GoldmineGrade PickGrade(SeedRandom random, bool rare) =>
        random.PickWeighted(Grades.Select(grade => (grade, rare ? RareShare(grade) : grade.Share)).ToList());

    public static RecordPrice Price(SeedRandom random, GoldmineGrade grade, bool rare)
    {
        if (rare)
        {
            // Collectable values are heavy-tailed: most rare copies are worth a few hundred, a few are worth thousands.
            var cleanValue = Math.Min(2500, 75 + random.Exponential(220));
            var estimated = cleanValue * grade.ValueFactor;
            var price = (Math.Ceiling(estimated * random.Double(1.05, 1.25) / 5) * 5) - 0.01;
            return new RecordPrice(Money(price), Money(estimated * random.Double(0.35, 0.6)), Money(estimated));
        }

        if (grade == Mint)
        {
            var list = random.Pick(NewListPrices);
            return new RecordPrice(list, Money((double)list * random.Double(0.52, 0.62)), list);
        }

        var usedValue = Math.Clamp(Math.Exp(random.Normal(Math.Log(20), 0.45)), 8, 80) * grade.ValueFactor;
        var usedPrice = Math.Floor(Math.Max(2, usedValue * random.Double(1.0, 1.2))) + 0.99;
        return new RecordPrice(Money(usedPrice), Money(usedPrice * random.Double(0.25, 0.45)), Money(usedValue));
    }

    public static decimal Money(double amount) => Money((decimal)amount);

    public static decimal Money(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    // Rare copies that survive are mostly well kept; nobody prices a cracked rarity.
    private static double RareShare(GoldmineGrade grade) => grade.Code switch
    {
        "M" => 5,
        "NM" => 30,
        "VG+" => 35,
        "VG" => 20,
        "G+" => 10,
        _ => 0,
    };
}

internal readonly record struct RecordPrice(decimal Price, decimal Cost, decimal EstimatedValue);
