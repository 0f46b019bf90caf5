namespace Misty.Grains.Knowledge;

/// <summary>Turns texts into L2-normalised vectors of <see cref="Dimensions"/> floats, so a dot product is the cosine.</summary>
public interface ITextEmbedder
{
    int Dimensions { get; }

    /// <summary>Passages to be searched.</summary>
    float[][] Embed(IReadOnlyList<string> texts);

    /// <summary>A search query or question: some models are trained to see an instruction in front of those only.</summary>
    float[] EmbedQuery(string query);
}
