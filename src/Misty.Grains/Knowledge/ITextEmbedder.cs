namespace Misty.Grains.Knowledge;

/// <summary>Turns texts into L2-normalised vectors of <see cref="Dimensions"/> floats, so a dot product is the cosine.</summary>
public interface ITextEmbedder
{
    int Dimensions { get; }

    float[][] Embed(IReadOnlyList<string> texts);
}
