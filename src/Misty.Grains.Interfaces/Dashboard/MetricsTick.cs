namespace Misty.Grains.Interfaces.Dashboard;

/// <summary>
/// The store's figures for the dashboards, on the <c>metrics</c> stream's all-key feed. Each tick replaces the previous
/// one whole; <see cref="Version"/> grows by one per change of the figures.
/// </summary>
/// <param name="Day">The UTC day the per-channel totals are for.</param>
/// <param name="Channels">Every sales channel, with the orders placed today and their revenue (cancelled orders excluded).</param>
/// <param name="Minutes">The last <see cref="WindowMinutes"/> minutes, oldest first, the current (partial) minute last.</param>
[GenerateSerializer, Immutable, Alias("Misty.MetricsTick")]
public sealed record MetricsTick(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset OccurredAt,
    [property: Id(2)] DateOnly Day,
    [property: Id(3)] IReadOnlyList<ChannelFigures> Channels,
    [property: Id(4)] IReadOnlyList<MinuteFigures> Minutes)
{
    /// <summary>How many minutes the per-minute figures cover.</summary>
    public const int WindowMinutes = 30;
}

/// <param name="Channel">The orders.channel value: in-store, online, phone or corporate.</param>
[GenerateSerializer, Immutable, Alias("Misty.ChannelFigures")]
public sealed record ChannelFigures(
    [property: Id(0)] string Channel,
    [property: Id(1)] int Orders,
    [property: Id(2)] decimal Revenue);

/// <param name="Orders">Orders placed in the minute (cancelled ones excluded).</param>
/// <param name="Units">Units that left stock through sales in the minute (the inventory ledger's sale rows).</param>
[GenerateSerializer, Immutable, Alias("Misty.MinuteFigures")]
public sealed record MinuteFigures(
    [property: Id(0)] DateTimeOffset Minute,
    [property: Id(1)] int Orders,
    [property: Id(2)] int Units);
