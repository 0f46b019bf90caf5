namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>One supplier's current price for an album.</summary>
public sealed record SupplierOffer(Guid SupplierId, decimal UnitPrice, int MinimumOrderQuantity, decimal? ReliabilityScore);

/// <param name="Offer">The supplier chosen, or null when no supplier sells the album (the reorder waits for a person to pick one).</param>
/// <param name="Priority">A reorder_queue.priority value.</param>
public sealed record ReorderDecision(int Quantity, SupplierOffer? Offer, string Priority)
{
    public decimal? TotalCost => Offer is null ? null : Offer.UnitPrice * Quantity;
}

/// <summary>How much of an album to reorder, from whom, and how urgently. Pure, so it is tested without a database.</summary>
public static class ReorderPlanner
{
    /// <summary>
    /// Units still missing to reach the album's optimal stock level (at least one above its reorder point), counting
    /// what is already on order, so a second run for the same shortage orders nothing more.
    /// </summary>
    public static int Shortfall(int available, int reorderPoint, int optimalStockLevel, int onOrder) =>
        Math.Max(0, Math.Max(optimalStockLevel, reorderPoint + 1) - Math.Max(available, 0) - onOrder);

    /// <returns>The reorder to queue, or null when nothing is missing.</returns>
    public static ReorderDecision? Decide(int available, int reorderPoint, int optimalStockLevel, int onOrder, IEnumerable<SupplierOffer> offers)
    {
        var needed = Shortfall(available, reorderPoint, optimalStockLevel, onOrder);
        if (needed == 0)
        {
            return null;
        }

        // Cheapest for what must actually be bought (a supplier's minimum order can make a lower unit price dearer),
        // then the more reliable supplier, then the lower unit price.
        var best = offers
            .Select(offer => (Offer: offer, Quantity: Math.Max(needed, offer.MinimumOrderQuantity)))
            .OrderBy(choice => choice.Offer.UnitPrice * choice.Quantity)
            .ThenByDescending(choice => choice.Offer.ReliabilityScore ?? 0)
            .ThenBy(choice => choice.Offer.UnitPrice)
            .ThenBy(choice => choice.Offer.SupplierId)
            .Select(choice => ((SupplierOffer Offer, int Quantity)?)choice)
            .FirstOrDefault();
        return new ReorderDecision(best?.Quantity ?? needed, best?.Offer, PriorityOf(available, reorderPoint));
    }

    private static string PriorityOf(int available, int reorderPoint) =>
        available <= 0 ? "critical" : available * 2 <= reorderPoint ? "high" : "medium";
}
