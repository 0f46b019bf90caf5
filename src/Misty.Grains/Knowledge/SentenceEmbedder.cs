using Misty.Grains.Knowledge.Quantization;

namespace Misty.Grains.Knowledge;

/// <summary>
/// A packaged sentence-embedding model (<see cref="SentenceModel"/>), loaded on first use; its weight matrices are
/// quantized to int8 unless asked not to (faster on one core, retrieval as good: docs/benchmarks.md). Each call runs
/// ONNX Runtime on the calling thread only, so the one background indexer takes at most one core; a query is embedded
/// beside a running batch instead of waiting for it (an inference session may be run from several threads at once).
/// </summary>
public sealed class SentenceEmbedder : ITextEmbedder, IDisposable
{
    /// <summary>
    /// Words kept of a text: the model was trained on inputs of up to 128 word pieces and sentence-transformers cuts
    /// them at 256, about this many words; what lies beyond would only cost time.
    /// </summary>
    public const int MaxWords = 200;

    private readonly SentenceModel _model;
    private readonly Lazy<OnnxSentenceEncoder> _encoder;

    // Readers are the encodings (concurrent); the writer is Dispose: freeing the native session while a text is
    // being encoded crashes the process.
    private readonly ReaderWriterLockSlim _gate = new();
    private bool _disposed;

    public SentenceEmbedder(SentenceModel model, EmbeddingPrecision precision = EmbeddingPrecision.Quantized)
    {
        _model = model;
        _encoder = new(() =>
        {
            var encoder = new OnnxSentenceEncoder(LoadModel(model, precision), model.Tokenizer(), model.Pooling);
            ReleaseLoadBuffers();
            return encoder;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The model's bytes as read and as rewritten (copies of a file of tens of megabytes) are garbage once the session
    /// holds its own. One aggressive collection, once per model and process, hands that memory back at once; otherwise
    /// an idle node keeps it until load makes the GC run again.
    /// </summary>
    private static void ReleaseLoadBuffers() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    public int Dimensions => _model.Dimensions;

    public IReadOnlyList<Range> Parts => [0..Dimensions];

    /// <summary>The word-piece vocabulary the model reads (<see cref="SentenceModel.Vocabulary"/>).</summary>
    public string Vocabulary => _model.Vocabulary;

    /// <summary>
    /// Each text is encoded on its own: nothing is padded, a text's vector does not depend on what it was sent with
    /// (the int8 model quantizes its activations with one scale per call), and on one core it is also faster than
    /// length-sorted groups, whose larger activations no longer stay in the core's caches (docs/benchmarks.md).
    /// </summary>
    public float[][] Embed(IReadOnlyList<string> texts) => [.. texts.Select(text => Encode(Truncate(text)))];

    public float[] EmbedQuery(string query) => Encode(_model.QueryPrefix + Truncate(query));

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
    public static byte[] LoadModel(SentenceModel model, EmbeddingPrecision precision) =>
        precision == EmbeddingPrecision.Quantized ? Int8MatMulRewriter.Rewrite(model.LoadModel()) : model.LoadModel();

    /// <summary>The text, cut like <see cref="Embed"/> cuts it, as this model's word pieces.</summary>
    public WordPieces Tokenize(string text) => WithEncoder(text, static (encoder, text) => encoder.Tokenize(Truncate(text)));

    /// <summary>The vector of a text already split by <see cref="Tokenize"/> (or by a model of the same vocabulary).</summary>
    public float[] Encode(WordPieces pieces) => WithEncoder(pieces, static (encoder, pieces) => encoder.Encode(pieces));

    private float[] Encode(string text) => WithEncoder(text, static (encoder, text) => encoder.Encode(encoder.Tokenize(text)));

    private TResult WithEncoder<TArgument, TResult>(TArgument argument, Func<OnnxSentenceEncoder, TArgument, TResult> use)
    {
        _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return use(_encoder.Value, argument);
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
