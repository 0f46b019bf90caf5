using System.Numerics.Tensors;

namespace Misty.Grains.Knowledge;

/// <summary>
/// The mean of one kind's chunk vectors, kept as a running sum, so that its items' cosines can be taken about it.
/// Texts of one kind share a style (every staff document is shop prose about the shop), and a small sentence model
/// puts that shared part into every vector: raw cosines between a question and all of them are high and close together.
/// Subtracting the kind's mean from both leaves what tells its items apart ("all-but-the-top", Mu and Viswanath, ICLR
/// 2018, whose first step this is). The mean of a few chunks says little about the kind, so it is shrunk toward zero
/// by count / (count + <see cref="Prior"/>).
/// </summary>
public sealed class KindMean(int dimensions)
{
    /// <summary>Chunks' worth of weight given to "no shared part" before any chunk is seen.</summary>
    public const int Prior = 10;

    // Double, so that sums of many additions and removals do not drift.
    private readonly double[] _sum = new double[dimensions];
    private int _count;

    public void Add(ReadOnlySpan<float> vector) => Update(vector, 1);

    public void Remove(ReadOnlySpan<float> vector) => Update(vector, -1);

    /// <summary>The centring of <paramref name="query"/>, one model's part starting at <paramref name="offset"/>; null while the kind is empty.</summary>
    public Centring? For(ReadOnlySpan<float> query, int offset)
    {
        if (_count == 0)
        {
            return null;
        }

        var scale = 1.0 / (_count + Prior);
        var mean = new float[query.Length];
        for (var i = 0; i < mean.Length; i++)
        {
            mean[i] = (float)(_sum[offset + i] * scale);
        }

        var meanDotMean = TensorPrimitives.Dot<float>(mean, mean);
        var queryDotMean = TensorPrimitives.Dot(query, mean);
        var queryNorm = MathF.Sqrt(MathF.Max(TensorPrimitives.Dot(query, query) - (2 * queryDotMean) + meanDotMean, float.Epsilon));
        return new Centring(mean, meanDotMean, queryDotMean, queryNorm);
    }

    private void Update(ReadOnlySpan<float> vector, int sign)
    {
        for (var i = 0; i < _sum.Length; i++)
        {
            _sum[i] += sign * vector[i];
        }

        _count += sign;
    }

    /// <summary>One query's terms about one kind's mean m, so each chunk costs one more dot product (c · m).</summary>
    public sealed record Centring(float[] Mean, float MeanDotMean, float QueryDotMean, float QueryNorm)
    {
        /// <summary>
        /// cos(q - m, c - m) from q · c, for a chunk c of unit length (every embedder here normalises each model's
        /// part): (q · c - q · m - c · m + m · m) / (|q - m| |c - m|).
        /// </summary>
        public float Cosine(float queryDotChunk, ReadOnlySpan<float> chunk)
        {
            var chunkDotMean = TensorPrimitives.Dot(chunk, Mean);
            var chunkNorm = MathF.Sqrt(MathF.Max(1 - (2 * chunkDotMean) + MeanDotMean, float.Epsilon));
            return (queryDotChunk - QueryDotMean - chunkDotMean + MeanDotMean) / (QueryNorm * chunkNorm);
        }
    }
}
