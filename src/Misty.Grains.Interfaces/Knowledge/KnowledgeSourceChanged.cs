namespace Misty.Grains.Interfaces.Knowledge;

/// <summary>
/// An item the knowledge index reads (a staff document, an album, a case or a review) was written. Published on
/// <see cref="MistyStreams.Knowledge"/> once its rows are committed, so that every node's index catches up at once
/// rather than at its next poll.
/// </summary>
/// <param name="Kind">One of <see cref="KnowledgeKinds.All"/>.</param>
[GenerateSerializer, Immutable, Alias("Misty.KnowledgeSourceChanged")]
public sealed record KnowledgeSourceChanged([property: Id(0)] string Kind, [property: Id(1)] Guid Id);
