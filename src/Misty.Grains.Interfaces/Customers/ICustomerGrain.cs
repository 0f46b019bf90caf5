namespace Misty.Grains.Interfaces.Customers;

/// <summary>
/// One customer (key: customer_id): profile, lifetime value and purchases, preferred genre, segment, interactions and
/// reviews. Seeded customers start from their rows; orders keep the totals current through <see cref="ApplyOrderNoticeAsync"/>.
/// </summary>
[Alias("Misty.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithGuidKey
{
    /// <summary>Creates the customer; a customer that exists already is returned as it is.</summary>
    [Alias("Create")]
    Task<CustomerView> CreateAsync(NewCustomer customer);

    /// <returns>The customer, or null when there is none.</returns>
    [Alias("Get")]
    Task<CustomerView?> GetAsync();

    /// <returns>The customer's history for fraud scoring, or null when there is no such customer.</returns>
    [Alias("GetRisk")]
    Task<CustomerRiskProfile?> GetRiskAsync();

    /// <returns>False when there is no such customer.</returns>
    [Alias("ApplyOrderNotice")]
    Task<bool> ApplyOrderNoticeAsync(OrderNotice notice);

    /// <returns>The interaction with its sentiment, or null when there is no such customer.</returns>
    [Alias("AddInteraction")]
    Task<InteractionView?> AddInteractionAsync(InteractionDraft interaction);

    [Alias("AddReview")]
    Task<ReviewOutcome> AddReviewAsync(ReviewDraft review);

    /// <summary>
    /// Re-derives segment, status and preferred genre as of now: recency fades while a customer buys nothing, so a
    /// segment can change without any order. Stores and projects a change.
    /// </summary>
    /// <returns>True when something changed; false when nothing did or there is no such customer.</returns>
    [Alias("RefreshSegment")]
    Task<bool> RefreshSegmentAsync();

    /// <summary>Rewrites the customer's rows from the stored grain state; false when there is no stored state.</summary>
    [Alias("RebuildProjection")]
    Task<bool> RebuildProjectionAsync();
}
