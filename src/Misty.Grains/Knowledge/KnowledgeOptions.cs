namespace Misty.Grains.Knowledge;

/// <summary>Settings of the knowledge assistant (section Misty:Knowledge).</summary>
public sealed record KnowledgeOptions
{
    public const string Section = "Misty:Knowledge";

    /// <summary>Fusion weight of each model's vector ranking (reciprocal rank fusion).</summary>
    public double VectorWeight { get; init; } = 1.0;

    /// <summary>
    /// Fusion weight of the keyword ranking: well under a vector one, because on paraphrased questions the keyword
    /// ranking is much weaker (docs/benchmarks.md); with equal weights the fusion was worse than the vectors alone.
    /// Chosen between 0.3 and 0.5 on one half of the development set and checked on the other.
    /// </summary>
    public double KeywordWeight { get; init; } = 0.3;

    /// <summary>The k of reciprocal rank fusion, 1 / (k + rank); chosen with KeywordWeight on the evaluation set.</summary>
    public int FusionK { get; init; } = 5;

    /// <summary>Most chunks this node keeps vectors of in memory (3 KB each with the server's two models).</summary>
    public int MaxChunksInMemory { get; init; } = 200_000;

    /// <summary>
    /// How often the catch-up looks for changed albums, reviews, cases and documents, and follows the ledger, when no
    /// notice (<see cref="KnowledgeNotices"/>) has woken it: the backstop for notices lost with a node, since the
    /// streams are in memory.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a notice waits before the catch-up runs, so that a burst of writes (a busy hour of case replies) costs
    /// one round of the catch-up's queries rather than one each.
    /// </summary>
    public TimeSpan NoticeDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Items embedded per model call.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Background indexing of albums, reviews and resolved cases; documents are indexed when written either way.</summary>
    public bool IndexInBackground { get; init; } = true;
}
