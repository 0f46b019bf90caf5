using Bogus;

namespace Misty.Seeding;

/// <summary>
/// The seeded randomness of one area of the dataset. Each area draws from its own stream, so that changing one size
/// (say, more customers) leaves the other areas (the catalogue) unchanged.
/// </summary>
internal sealed class SeedRandom
{
    private readonly Randomizer _random;

    public SeedRandom(int seed, SeedStream stream)
    {
        _random = new Randomizer(unchecked((seed * 7919) + (int)stream));
        Faker = new Faker("en") { Random = _random };
    }

    /// <summary>Bogus data sets (names, addresses) drawing from this same stream.</summary>
    public Faker Faker { get; }

    public double Double() => _random.Double();

    public double Double(double min, double max) => min + ((max - min) * _random.Double());

    /// <summary>An integer in [min, max], both inclusive.</summary>
    public int Int(int min, int max) => _random.Int(min, max);

    public bool Chance(double probability) => _random.Double() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Int(0, items.Count - 1)];

    public T PickWeighted<T>(IReadOnlyList<(T Item, double Weight)> weighted)
    {
        var total = 0.0;
        foreach (var (_, weight) in weighted)
        {
            total += weight;
        }

        var target = _random.Double() * total;
        foreach (var (item, weight) in weighted)
        {
            target -= weight;
            if (target < 0)
            {
                return item;
            }
        }

        return weighted[^1].Item;
    }

    /// <summary>A normally distributed value (Box-Muller).</summary>
    public double Normal(double mean, double deviation)
    {
        var u1 = 1.0 - _random.Double();
        var u2 = _random.Double();
        return mean + (deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>An exponentially distributed value with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - _random.Double());

    /// <summary>A whole-second instant in [from, to).</summary>
    public DateTime Between(DateTime from, DateTime to)
    {
        var seconds = (long)((to - from).TotalSeconds * _random.Double());
        return from.AddSeconds(seconds);
    }

    public TimeSpan Hours(double min, double max) => TimeSpan.FromSeconds(Math.Round(Double(min, max) * 3600));

    public TimeSpan Days(double min, double max) => TimeSpan.FromSeconds(Math.Round(Double(min, max) * 86_400));

    /// <summary>A version 4 layout Guid whose bits come from the seeded stream.</summary>
    public Guid NextGuid()
    {
        var bytes = _random.Bytes(16);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    public string Digits(int count) => _random.ReplaceNumbers(new string('#', count));

    public string AlphaNumeric(int count) => _random.AlphaNumeric(count).ToUpperInvariant();
}

/// <summary>One independent random stream per area of the dataset.</summary>
internal enum SeedStream
{
    Catalog = 1,
    Suppliers,
    Staff,
    Customers,
    Orders,
    Inventory,
    Reviews,
    Cases,
    Interactions,
    Segments,
}
