namespace Misty.Grains.Interfaces.Cases;

/// <summary>
/// Published on the <c>cases</c> stream (keyed by case id, and on the all-cases feed) after every stored change of a
/// case. Version grows by one per change, so a subscriber can detect a gap and re-read the case.
/// </summary>
/// <param name="Sentiment">The customer's latest mood (cases.ai_sentiment: happy, neutral, frustrated, angry), if known.</param>
[GenerateSerializer, Immutable, Alias("Misty.CaseChanged")]
public sealed record CaseChanged(
    [property: Id(0)] Guid CaseId,
    [property: Id(1)] string CaseNumber,
    [property: Id(2)] CaseStatus Status,
    [property: Id(3)] CasePriority Priority,
    [property: Id(4)] string? Sentiment,
    [property: Id(5)] Guid? AssignedTo,
    [property: Id(6)] long Version,
    [property: Id(7)] DateTimeOffset OccurredAt);
