namespace Misty.Seeding;

/// <summary>What one seed run did: whether it wrote anything, the rows per table, and how long it took.</summary>
public sealed record SeedReport(bool Seeded, IReadOnlyList<SeedTableCount> Tables, TimeSpan Elapsed)
{
    public long TotalRows => Tables.Sum(table => table.Rows);
}

public sealed record SeedTableCount(string Table, long Rows);
