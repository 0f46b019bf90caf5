using System.Numerics.Tensors;

namespace Misty.Grains.Knowledge;

/// <summary>
/// Vectors in fixed-size pages of one contiguous float array each (no object per chunk), scanned with SIMD dot
/// products. At most <see cref="Capacity"/> chunks are held, so memory stays bounded (384 floats = 1.5 KB a chunk);
/// past that, further items are refused and are found by their keywords only.
/// </summary>
public sealed class InMemoryVectorStore(int dimensions, int capacity) : IVectorStore
{
    private const int PageRows = 4096;
    private readonly List<float[]> _pages = [];
    private readonly List<Slot> _slots = [];
    private readonly Stack<int> _free = new();
    private readonly Dictionary<SourceKey, List<int>> _rowsBySource = [];
    private readonly ReaderWriterLockSlim _lock = new();

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _slots.Count - _free.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public void Replace(SourceKey source, IReadOnlyList<ChunkVector> chunks)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_rowsBySource.Remove(source, out var old))
            {
                foreach (var row in old)
                {
                    _slots[row] = default;
                    _free.Push(row);
                }
            }

            if (chunks.Count == 0 || _slots.Count - _free.Count + chunks.Count > capacity)
            {
                return;
            }

            var rows = new List<int>(chunks.Count);
            foreach (var chunk in chunks)
            {
                if (chunk.Vector.Length != dimensions)
                {
                    throw new ArgumentException($"A vector has {chunk.Vector.Length} dimensions, not {dimensions}.", nameof(chunks));
                }

                var row = _free.Count > 0 ? _free.Pop() : Grow();
                chunk.Vector.CopyTo(_pages[row / PageRows].AsSpan(row % PageRows * dimensions, dimensions));
                _slots[row] = new Slot(source, chunk.ChunkNo, true);
                rows.Add(row);
            }

            _rowsBySource[source] = rows;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, int take, IReadOnlyCollection<string> kinds)
    {
        if (query.Length != dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions, not {dimensions}.", nameof(query));
        }

        var best = new Dictionary<SourceKey, (int ChunkNo, float Similarity)>();
        _lock.EnterReadLock();
        try
        {
            for (var row = 0; row < _slots.Count; row++)
            {
                var slot = _slots[row];
                if (!slot.Used || (kinds.Count > 0 && !kinds.Contains(slot.Source.Kind)))
                {
                    continue;
                }

                var similarity = TensorPrimitives.Dot(query, _pages[row / PageRows].AsSpan(row % PageRows * dimensions, dimensions));
                if (!best.TryGetValue(slot.Source, out var current) || similarity > current.Similarity)
                {
                    best[slot.Source] = (slot.ChunkNo, similarity);
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return best.OrderByDescending(entry => entry.Value.Similarity).Take(take)
            .Select(entry => new VectorMatch(entry.Key, entry.Value.ChunkNo, entry.Value.Similarity)).ToList();
    }

    private int Grow()
    {
        if (_slots.Count == _pages.Count * PageRows)
        {
            _pages.Add(new float[PageRows * dimensions]);
        }

        _slots.Add(default);
        return _slots.Count - 1;
    }

    private readonly record struct Slot(SourceKey Source, int ChunkNo, bool Used);
}
