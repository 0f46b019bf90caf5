namespace Misty.Grains.Knowledge;

/// <summary>
/// Turns texts into vectors of <see cref="Dimensions"/> floats made of one or more models' vectors side by side
/// (<see cref="Parts"/>), each part L2-normalised, so a dot product over one part is that model's cosine.
/// </summary>
public interface ITextEmbedder
{
    int Dimensions { get; }

    /// <summary>Where each model's vector lies in the whole, in order.</summary>
    IReadOnlyList<Range> Parts { get; }

    /// <summary>Passages to be searched.</summary>
    float[][] Embed(IReadOnlyList<string> texts);

    /// <summary>A search query or question: some models are trained to see an instruction in front of those only.</summary>
    float[] EmbedQuery(string query);
}
