using Microsoft.Extensions.Logging;
using Misty.Grains.Infrastructure;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Knowledge;

namespace Misty.Grains.Knowledge;

/// <summary>
/// Tells every node's knowledge index that an item it reads was written, after the write is committed. A lost notice
/// costs only time: the index's poll finds the item by its rows.
/// </summary>
public sealed class KnowledgeNotices(IClusterClient cluster, ILogger<KnowledgeNotices> logger) : ChangeNotices(cluster, logger, MistyStreams.Knowledge)
{
    public Task ChangedAsync(string kind, Guid id) => PublishAsync(new KnowledgeSourceChanged(kind, id));
}
