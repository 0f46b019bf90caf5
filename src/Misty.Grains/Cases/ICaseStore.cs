using System.Globalization;
using Misty.Grains.Cases.Triage;
using Misty.Grains.Interfaces.Cases;

namespace Misty.Grains.Cases;

/// <summary>One cases row: what a case grain projects, and what a grain with no state starts from (seeded cases).</summary>
/// <param name="FirstResponseDueAt">When the first-response target runs out; null while paused or once decided.</param>
/// <param name="ResolutionDueAt">Likewise for the resolution target.</param>
public sealed record CaseRow(
    Guid CaseId,
    string CaseNumber,
    Guid CustomerId,
    string Subject,
    string? Description,
    CaseCategory Category,
    CasePriority Priority,
    CaseStatus Status,
    Guid? AssignedTo,
    string? AiSentiment,
    int? AiScore,
    string? AiSuggestion,
    bool Escalated,
    DateTimeOffset? FirstResponseDueAt,
    DateTimeOffset? ResolutionDueAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>A case as the rows hold it: the row and its conversation, oldest first.</summary>
public sealed record StoredCase(CaseRow Row, IReadOnlyList<CaseMessage> Messages);

/// <summary>What one projection writes: the row as of a stored version, and the messages and history entries not yet in their tables.</summary>
public sealed record CaseProjection(CaseRow Row, IReadOnlyList<CaseMessage> Messages, IReadOnlyList<CaseHistoryEntry> History);

/// <summary>An active staff member or manager with their open cases (as the rows show them) and capacity.</summary>
public sealed record StaffLoad(Guid UserId, int OpenCases, int Capacity);

/// <summary>A case as its row shows it: who has it, and whether it is open.</summary>
public sealed record CaseLoad(Guid? AssignedTo, bool Open);

/// <param name="Cases">The rows of the cases asked about, by id (absent when a case has no row yet).</param>
public sealed record StaffWorkload(IReadOnlyList<StaffLoad> Staff, IReadOnlyDictionary<Guid, CaseLoad> Cases);

/// <summary>
/// The relational side of cases: case numbers, the customer's orders for the triage, the staff to assign, the rows a
/// new grain starts from, and the projection of grain state to cases, case_messages and case_events.
/// </summary>
public interface ICaseStore
{
    /// <returns>The case as the rows hold it, or null when there is no row.</returns>
    Task<StoredCase?> LoadAsync(Guid caseId, CancellationToken cancellationToken);

    /// <summary>A case number no other case has, whichever silo asks: CASE-yyyy-nnnnnn.</summary>
    Task<string> NextCaseNumberAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <returns>The customer's name and recent orders, or null when there is no such customer.</returns>
    Task<CustomerContext?> LoadCustomerAsync(Guid customerId, CancellationToken cancellationToken);

    /// <summary>Whether the user may handle cases: an active, not deleted staff member or manager.</summary>
    Task<bool> IsAssignableAsync(Guid userId, CancellationToken cancellationToken);

    /// <param name="caseIds">Cases whose rows the caller wants to see as well.</param>
    /// <param name="defaultCapacity">The capacity of staff whose users.case_capacity is not set.</param>
    Task<StaffWorkload> LoadWorkloadAsync(IReadOnlyCollection<Guid> caseIds, int defaultCapacity, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the messages and history entries (idempotent by id) and the row as of its version: only a newer version
    /// replaces the row, unless <paramref name="overwrite"/> rebuilds it from the grain whatever it holds.
    /// </summary>
    Task ProjectAsync(CaseProjection projection, bool overwrite, CancellationToken cancellationToken);
}

public static class CaseNumbers
{
    /// <summary>CASE-2026-000123: the year the case was opened and a cluster-wide sequence number.</summary>
    public static string Format(DateTimeOffset openedAt, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"CASE-{openedAt.UtcDateTime:yyyy}-{sequence:D6}");
}
