namespace Misty.Benchmarks;

/// <summary>The body of <c>POST /api/albums</c> for a benchmark's albums: modes differ only in the SKU, title and artist.</summary>
public sealed record NewAlbumBody(string Sku, string Title, string Artist)
{
    public string Genre => "Rock";

    public string Label => "Misty Records";

    public int ReleaseYear => 2026;

    public decimal Price => 24.99m;

    public decimal Cost => 12.50m;

    public string Condition => "NM";
}
