using Misty.Grains.Knowledge;

namespace Misty.Tests.Knowledge;

/// <summary>The embedding model's stand-in: every text gets the same vector of two two-float parts.</summary>
internal sealed class FixedEmbedder : ITextEmbedder
{
    public int Dimensions => 4;

    public IReadOnlyList<Range> Parts => [0..2, 2..4];

    public float[][] Embed(IReadOnlyList<string> texts) => [.. texts.Select(_ => EmbedQuery(""))];

    public float[] EmbedQuery(string query) => [1, 0, 1, 0];
}
