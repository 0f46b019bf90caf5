using Misty.Client;

namespace Misty.Benchmarks;

/// <summary>The albums benchmarks create through Misty.Client: modes differ only in the SKU, title and artist.</summary>
public static class BenchmarkAlbums
{
    public static CreateAlbumRequest Request(string sku, string title, string artist) => new()
    {
        Sku = sku,
        Title = title,
        Artist = artist,
        Genre = "Rock",
        Label = "Misty Records",
        ReleaseYear = 2026,
        Price = 24.99m,
        Cost = 12.50m,
        Condition = "NM",
    };
}
