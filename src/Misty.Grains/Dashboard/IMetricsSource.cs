using Misty.Grains.Interfaces.Dashboard;

namespace Misty.Grains.Dashboard;

/// <summary>The dashboard figures as of one moment, before they are versioned into a <see cref="MetricsTick"/>.</summary>
public sealed record MetricsFigures(DateOnly Day, IReadOnlyList<ChannelFigures> Channels, IReadOnlyList<MinuteFigures> Minutes)
{
    /// <summary>The orders.channel values, in the order dashboards show them.</summary>
    public static readonly IReadOnlyList<string> SalesChannels = ["in-store", "online", "phone", "corporate"];

    public bool SameAs(MetricsTick tick) =>
        Day == tick.Day && Channels.SequenceEqual(tick.Channels) && Minutes.SequenceEqual(tick.Minutes);

    /// <summary>
    /// Figures with every channel and every minute of the window present (zero when nothing happened), from sparse
    /// per-channel totals and per-minute counts keyed by the minute's index in the window (0 = oldest).
    /// </summary>
    public static MetricsFigures Complete(
        DateTimeOffset now,
        IReadOnlyDictionary<string, (int Orders, decimal Revenue)> channels,
        IReadOnlyDictionary<int, int> ordersByMinute,
        IReadOnlyDictionary<int, int> unitsByMinute)
    {
        var firstMinute = WindowStart(now);
        var minutes = Enumerable.Range(0, MetricsTick.WindowMinutes)
            .Select(i => new MinuteFigures(firstMinute.AddMinutes(i), ordersByMinute.GetValueOrDefault(i), unitsByMinute.GetValueOrDefault(i)))
            .ToList();
        var totals = SalesChannels
            .Select(channel => channels.TryGetValue(channel, out var today) ? new ChannelFigures(channel, today.Orders, today.Revenue) : new ChannelFigures(channel, 0, 0m))
            .ToList();
        return new MetricsFigures(DateOnly.FromDateTime(now.UtcDateTime), totals, minutes);
    }

    /// <summary>The start of the oldest minute in the window that ends with the current minute.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var currentMinute = new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        return currentMinute.AddMinutes(1 - MetricsTick.WindowMinutes);
    }
}

/// <summary>Where the dashboard figures are read from: the relational rows.</summary>
public interface IMetricsSource
{
    Task<MetricsFigures> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
