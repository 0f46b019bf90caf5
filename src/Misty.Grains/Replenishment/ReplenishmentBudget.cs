namespace Misty.Grains.Replenishment;

/// <summary>An album as the stock budget sees it: its forecast, the lead time planned with and what a copy costs.</summary>
public sealed record BudgetedAlbum(ReplenishmentInput Input, int LeadDays, decimal UnitCost);

/// <summary>
/// The shop's stock budget shared across albums. The service scale sets how much stock the shop holds (what every
/// album at the scale's own level would hold); the stock price then places that stock where each copy saves the most
/// lost sales per unit of value, rather than giving every album the same service level. One price for the whole shop,
/// found from every album's forecast at once, so a nightly run and a single album's low-stock trigger plan alike.
/// </summary>
public static class ReplenishmentBudget
{
    /// <summary>
    /// The stock price (see <see cref="ReplenishmentPolicy.StockPrice"/>) at which the albums' allocated levels cost
    /// what their service-scale levels cost; null when no album has both a forecast and a cost.
    /// </summary>
    public static double? StockPrice(IReadOnlyCollection<BudgetedAlbum> albums, ReplenishmentPolicy policy)
    {
        var priced = albums.Where(a => a.Input.WeeklyForecast.Length > 0 && a.UnitCost > 0).ToArray();
        if (priced.Length == 0)
        {
            return null;
        }

        var budget = priced.Sum(a => (double)a.UnitCost * ReplenishmentPlanner.ServiceLevel(a.Input, policy, a.LeadDays));
        double Cost(double price) => priced.Sum(a =>
            (double)a.UnitCost * ReplenishmentPlanner.AllocatedLevel(a.Input, policy, a.LeadDays, price * (double)a.UnitCost));

        // A higher price keeps fewer copies; bisection on its logarithm, since prices span orders of magnitude.
        var (low, high) = (Math.Log(1e-9), Math.Log(1e3));
        for (var step = 0; step < 50; step++)
        {
            var middle = (low + high) / 2;
            (low, high) = Cost(Math.Exp(middle)) > budget ? (middle, high) : (low, middle);
        }

        return Math.Exp(high);
    }
}
