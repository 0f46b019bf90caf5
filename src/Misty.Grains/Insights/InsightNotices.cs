using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;

namespace Misty.Grains.Insights;

/// <summary>Publishes insight changes on the insights feed, after the change is committed.</summary>
public sealed class InsightNotices(IClusterClient cluster, ILogger<InsightNotices> logger) : ChangeNotices(cluster, logger, MistyStreams.Insights);
