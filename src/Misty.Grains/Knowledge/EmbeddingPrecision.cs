namespace Misty.Grains.Knowledge;

/// <summary>The arithmetic of the embedding model's linear layers.</summary>
public enum EmbeddingPrecision
{
    /// <summary>Float32 weights: the packaged model as shipped.</summary>
    Full,

    /// <summary>The packaged model's weight matrices quantized to int8 at load (<see cref="Quantization.Int8MatMulRewriter"/>).</summary>
    Quantized,
}
