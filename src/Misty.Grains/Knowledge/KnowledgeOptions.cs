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

    /// <summary>How often the catch-up looks for changed albums, reviews, cases and documents, and the ledger is followed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Items embedded per model call.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Background indexing of albums, reviews and resolved cases; documents are indexed when written either way.</summary>
    public bool IndexInBackground { get; init; } = true;
}
