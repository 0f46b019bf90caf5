using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Misty.Baseline;

/// <summary>
/// A validated reservation request. Lines are merged per album and sorted by album id, so every transaction locks
/// stock rows in the same order (no deadlocks between multi-line reservations) and equal requests hash equally.
/// </summary>
public sealed record ReservationOrder(IReadOnlyList<ReservationLine> Lines, int TtlSeconds, byte[] Fingerprint)
{
    public const int DefaultTtlSeconds = 900;
    public const int MaxTtlSeconds = 86_400;
    public const int MaxLines = 100;

    /// <summary>The order, or the field errors that make <paramref name="request"/> invalid.</summary>
    public static (ReservationOrder? Order, Dictionary<string, string[]> Errors) Parse(ReserveRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var lines = request.Lines ?? [];
        if (lines.Count is 0 or > MaxLines)
        {
            errors["lines"] = [$"Between 1 and {MaxLines} lines are required."];
        }

        if (lines.Any(line => line is null || line.AlbumId == Guid.Empty || line.Quantity < 1))
        {
            errors["lines"] = ["Every line needs an albumId and a quantity of at least 1."];
        }

        var ttl = request.TtlSeconds ?? DefaultTtlSeconds;
        if (ttl is < 1 or > MaxTtlSeconds)
        {
            errors["ttlSeconds"] = [$"ttlSeconds must be between 1 and {MaxTtlSeconds}."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var merged = lines
            .GroupBy(line => line.AlbumId)
            .Select(group => new ReservationLine(group.Key, group.Sum(line => line.Quantity)))
            .OrderBy(line => line.AlbumId)
            .ToArray();
        return (new ReservationOrder(merged, ttl, HashOf(merged, ttl)), errors);
    }

    private static byte[] HashOf(IEnumerable<ReservationLine> lines, int ttl)
    {
        var canonical = new StringBuilder().Append(ttl.ToString(CultureInfo.InvariantCulture));
        foreach (var line in lines)
        {
            canonical.Append(CultureInfo.InvariantCulture, $";{line.AlbumId:N}x{line.Quantity}");
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()));
    }
}
