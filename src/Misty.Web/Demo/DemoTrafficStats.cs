using System.Collections.Concurrent;

namespace Misty.Web.Demo;

/// <summary>What the demo storefront did, by outcome ("order.placed", "reservation.abandoned", ...), and what failed.</summary>
public sealed class DemoTrafficStats
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _serverErrors = new();

    public void Count(string outcome) => _counts.AddOrUpdate(outcome, 1, (_, count) => count + 1);

    public long this[string outcome] => _counts.GetValueOrDefault(outcome);

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);

    /// <summary>Answers of 500 or above, calls that got no answer, and the demo's own failures: none is expected.</summary>
    public IReadOnlyCollection<string> ServerErrors => _serverErrors;

    public void ServerError(string description)
    {
        Count("server_error");
        // The first few are enough to tell what went wrong; the count says how often.
        if (_serverErrors.Count < 50)
        {
            _serverErrors.Enqueue(description);
        }
    }
}
