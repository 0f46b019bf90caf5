using Misty.Grains.Insights;
using Misty.Grains.Interfaces.Insights;
using Misty.Web.Dashboard;

namespace Misty.Web.Insights;

/// <summary>The dashboard's open insights (pending, not expired), most impact first, shaped as their change events.</summary>
public sealed class OpenInsightsSection(InsightStore store, TimeProvider clock) : IDashboardSection<InsightChanged>
{
    /// <summary>The live view shows the most pressing ones; the rest are worked in the list.</summary>
    public const int Limit = 300;

    public async Task<IReadOnlyList<InsightChanged>> LoadAsync(CancellationToken cancellationToken) =>
        [.. (await store.OpenAsync(Limit, clock.GetUtcNow(), cancellationToken)).Select(row => row.ToEvent())];
}
