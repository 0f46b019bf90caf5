using System.Numerics.Tensors;

namespace Misty.Grains.Knowledge;

/// <summary>
/// Vectors in fixed-size pages of one contiguous float array each (no object per chunk), scanned with SIMD dot
/// products. Each row knows its item by a dense number, so a search keeps each item's best chunk in plain arrays and
/// selects the top items with a bounded heap instead of sorting every item. At most <see cref="Capacity"/> chunks are
/// held, so memory stays bounded (the server's two models: 768 floats = 3 KB a chunk); past that, further items are refused and are found by
/// their keywords only.
/// </summary>
/// <param name="centredKinds">
/// Kinds whose cosines are taken about the mean of their own chunk vectors (<see cref="KindMean"/>), for query and
/// chunk alike; other kinds are compared as they are.
/// </param>
public sealed class InMemoryVectorStore(int dimensions, int capacity, IReadOnlyCollection<string>? centredKinds = null) : IVectorStore
{
    private const int PageRows = 4096;
    private const int NoItem = -1;
    private readonly List<float[]> _pages = [];
    /// <summary>Per row: the item's number (or <see cref="NoItem"/> for a free row) and the chunk number.</summary>
    private readonly List<(int Item, int ChunkNo)> _rows = [];
    private readonly Stack<int> _freeRows = new();
    /// <summary>Per item number: its key and rows; a removed item's number is reused.</summary>
    private readonly List<(SourceKey Source, List<int>? Rows)> _items = [];
    private readonly Stack<int> _freeItems = new();
    private readonly Dictionary<SourceKey, int> _itemNumbers = [];
    private readonly Dictionary<string, KindMean> _means = (centredKinds ?? []).ToDictionary(kind => kind, _ => new KindMean(dimensions));
    private readonly ReaderWriterLockSlim _lock = new();

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _rows.Count - _freeRows.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public void Replace(SourceKey source, IReadOnlyList<ChunkVector> chunks)
    {
        if (chunks.FirstOrDefault(chunk => chunk.Vector.Length != dimensions) is { } wrong)
        {
            throw new ArgumentException($"A vector has {wrong.Vector.Length} dimensions, not {dimensions}.", nameof(chunks));
        }

        _lock.EnterWriteLock();
        try
        {
            if (_itemNumbers.Remove(source, out var old))
            {
                foreach (var row in _items[old].Rows!)
                {
                    _means.GetValueOrDefault(source.Kind)?.Remove(Vector(row));
                    _rows[row] = (NoItem, 0);
                    _freeRows.Push(row);
                }

                _items[old] = default;
                _freeItems.Push(old);
            }

            if (chunks.Count == 0 || _rows.Count - _freeRows.Count + chunks.Count > capacity)
            {
                return;
            }

            var item = _freeItems.Count > 0 ? _freeItems.Pop() : AddItem();
            var rows = new List<int>(chunks.Count);
            foreach (var chunk in chunks)
            {
                var row = _freeRows.Count > 0 ? _freeRows.Pop() : Grow();
                chunk.Vector.CopyTo(_pages[row / PageRows].AsSpan(row % PageRows * dimensions, dimensions));
                _means.GetValueOrDefault(source.Kind)?.Add(chunk.Vector);
                _rows[row] = (item, chunk.ChunkNo);
                rows.Add(row);
            }

            _items[item] = (source, rows);
            _itemNumbers[source] = item;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public IReadOnlyList<VectorMatch> Search(ReadOnlySpan<float> query, Range part, int take, IReadOnlyCollection<string> kinds)
    {
        if (query.Length != dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions, not {dimensions}.", nameof(query));
        }

        var (offset, length) = part.GetOffsetAndLength(dimensions);
        query = query.Slice(offset, length);

        _lock.EnterReadLock();
        try
        {
            var best = new float[_items.Count];
            var bestChunk = new int[_items.Count];
            Array.Fill(best, float.NegativeInfinity);
            // Items of other kinds are skipped before their dot products.
            var wanted = new bool[_items.Count];
            // Per item of a centred kind, its kind's mean over this part, shared by the kind's items.
            var centring = new KindMean.Centring?[_items.Count];
            var byKind = new Dictionary<string, KindMean.Centring?>();
            foreach (var (kind, mean) in _means)
            {
                // A search is usually of one kind: the other centred kinds' terms would go unused.
                if (kinds.Count == 0 || kinds.Contains(kind))
                {
                    byKind[kind] = mean.For(query, offset);
                }
            }

            for (var item = 0; item < wanted.Length; item++)
            {
                wanted[item] = _items[item].Rows is not null && (kinds.Count == 0 || kinds.Contains(_items[item].Source.Kind));
                centring[item] = wanted[item] ? byKind.GetValueOrDefault(_items[item].Source.Kind) : null;
            }

            for (var row = 0; row < _rows.Count; row++)
            {
                var (item, chunkNo) = _rows[row];
                if (item == NoItem || !wanted[item])
                {
                    continue;
                }

                var vector = _pages[row / PageRows].AsSpan((row % PageRows * dimensions) + offset, length);
                var similarity = TensorPrimitives.Dot(query, vector);
                if (centring[item] is { } centred)
                {
                    similarity = centred.Cosine(similarity, vector);
                }
                if (similarity > best[item])
                {
                    (best[item], bestChunk[item]) = (similarity, chunkNo);
                }
            }

            // The top items by a min-heap of at most `take`: its root is the weakest kept.
            var top = new PriorityQueue<int, float>(take + 1);
            for (var item = 0; item < best.Length; item++)
            {
                if (!wanted[item])
                {
                    continue;
                }

                if (top.Count < take)
                {
                    top.Enqueue(item, best[item]);
                }
                else if (take > 0 && top.TryPeek(out _, out var weakest) && best[item] > weakest)
                {
                    top.DequeueEnqueue(item, best[item]);
                }
            }

            var matches = new VectorMatch[top.Count];
            for (var i = matches.Length - 1; i >= 0; i--)
            {
                var item = top.Dequeue();
                matches[i] = new VectorMatch(_items[item].Source, bestChunk[item], best[item]);
            }

            return matches;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private ReadOnlySpan<float> Vector(int row) => _pages[row / PageRows].AsSpan(row % PageRows * dimensions, dimensions);

    private int AddItem()
    {
        _items.Add(default);
        return _items.Count - 1;
    }

    private int Grow()
    {
        if (_rows.Count == _pages.Count * PageRows)
        {
            _pages.Add(new float[PageRows * dimensions]);
        }

        _rows.Add((NoItem, 0));
        return _rows.Count - 1;
    }
}
