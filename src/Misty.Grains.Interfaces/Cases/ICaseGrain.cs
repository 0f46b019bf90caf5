namespace Misty.Grains.Interfaces.Cases;

/// <summary>
/// One customer-service case (key: case_id): its conversation, assignment, status, SLA clocks and AI triage. Every
/// acknowledged change is stored before the answer, then published as <see cref="CaseChanged"/> and projected to the
/// cases, case_messages and case_events rows.
/// </summary>
[Alias("Misty.ICaseGrain")]
public interface ICaseGrain : IGrainWithGuidKey
{
    /// <summary>Opens the case with the customer's first message; a retry of the same open gets the same answer.</summary>
    [Alias("Open")]
    Task<CaseOutcome> OpenAsync(OpenCaseRequest request);

    /// <param name="includeInternal">False for the customer's view: no internal notes.</param>
    /// <returns>The case, or null when there is none.</returns>
    [Alias("Get")]
    Task<CaseView?> GetAsync(bool includeInternal);

    [Alias("AddMessage")]
    Task<CaseOutcome> AddMessageAsync(CaseMessageRequest request);

    [Alias("Assign")]
    Task<CaseOutcome> AssignAsync(CaseAssignment assignment);

    [Alias("Update")]
    Task<CaseOutcome> UpdateAsync(CaseUpdate update);

    [Alias("ReviewSuggestion")]
    Task<CaseOutcome> ReviewSuggestionAsync(SuggestionReview review);

    /// <summary>
    /// Does what the SLA reminder does (assigns an unassigned open case, records warnings and breaches, escalates)
    /// and sets the reminder when a clock runs: for cases that exist only as rows, which have no reminder yet.
    /// </summary>
    /// <returns>True when the case changed.</returns>
    [Alias("CheckServiceLevels")]
    Task<bool> CheckServiceLevelsAsync();

    /// <summary>Rewrites the case's rows from the stored grain state; false when there is no stored state.</summary>
    [Alias("RebuildProjection")]
    Task<bool> RebuildProjectionAsync();
}
