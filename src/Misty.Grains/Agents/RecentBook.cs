namespace Misty.Grains.Agents;

/// <summary>
/// A bounded list of records, read newest first: a record replaces an earlier one that is the same (an update), and
/// past the limit the oldest of those that may go are dropped; the others (pending actions) always stay.
/// </summary>
/// <param name="records">The list kept in the grain's state; the book changes it in place.</param>
/// <param name="at">When a record happened: its age, for dropping and for reading newest first.</param>
public sealed class RecentBook<T>(List<T> records, int limit, Func<T, DateTimeOffset> at)
    where T : class
{
    /// <summary>Whether a stored record and a new one are the same record; by default every record is new.</summary>
    public Func<T, T, bool> Same { get; init; } = (_, _) => false;

    /// <summary>Whether a record may be dropped to keep within the limit; by default every record may.</summary>
    public Func<T, bool> Droppable { get; init; } = _ => true;

    public void Record(T record)
    {
        records.RemoveAll(known => Same(known, record));
        records.Add(record);
        var droppable = records.Where(Droppable).OrderBy(at).ToList();
        if (droppable.Count > limit)
        {
            var dropped = droppable.Take(droppable.Count - limit).ToHashSet(ReferenceEqualityComparer.Instance);
            records.RemoveAll(known => dropped.Contains(known));
        }
    }

    /// <summary>Every record, newest first (of two at the same time, the one recorded later first).</summary>
    public IEnumerable<T> Newest() => Enumerable.Reverse(records).OrderByDescending(at);
}
