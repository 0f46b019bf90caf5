using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;

namespace Misty.Grains.Replenishment;

/// <summary>Publishes reorder line changes on the replenishment feed, after the change is committed.</summary>
public sealed class ReorderNotices(IClusterClient cluster, ILogger<ReorderNotices> logger) : ChangeNotices(cluster, logger, MistyStreams.Replenishment);
