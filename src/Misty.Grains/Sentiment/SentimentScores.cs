namespace Misty.Grains.Sentiment;

/// <summary>
/// The result of <see cref="SentimentAnalyzer.Analyze(string?)"/>.
/// </summary>
/// <param name="Compound">Overall valence in [-1, 1]; the figure to rank, threshold and store.</param>
/// <param name="Positive">Share of the text's weight that is positive, in [0, 1].</param>
/// <param name="Neutral">Share of the text's weight that carries no sentiment, in [0, 1].</param>
/// <param name="Negative">Share of the text's weight that is negative, in [0, 1].</param>
/// <remarks>The three shares sum to 1; text without words (empty, blank, punctuation only) is wholly neutral.</remarks>
public readonly record struct SentimentScores(double Compound, double Positive, double Neutral, double Negative)
{
    public static SentimentScores Empty { get; } = new(0, 0, 1, 0);

    /// <summary>positive / neutral / negative, split at ±<see cref="SentimentLabels.NeutralBand"/>.</summary>
    public SentimentPolarity Polarity => SentimentLabels.ToPolarity(Compound);

    /// <summary>The customer-case label: happy / neutral / frustrated / angry.</summary>
    public CaseSentiment CaseSentiment => SentimentLabels.ToCaseSentiment(Compound);

    /// <summary><see cref="Compound"/> mapped linearly onto 0..100 (50 is neutral).</summary>
    public int Score => SentimentLabels.ToScore(Compound);
}

/// <summary>Three-class polarity, as stored in reviews.sentiment.</summary>
public enum SentimentPolarity
{
    Negative,
    Neutral,
    Positive,
}

/// <summary>The mood of a customer case, as stored in cases.ai_sentiment.</summary>
public enum CaseSentiment
{
    Angry,
    Frustrated,
    Neutral,
    Happy,
}

/// <summary>Maps a compound score onto the labels and figures the schema stores.</summary>
public static class SentimentLabels
{
    /// <summary>
    /// Compound scores within ±0.05 are neutral: the usual convention for VADER-style compounds, and the one the
    /// human-rated evaluation sets use.
    /// </summary>
    public const double NeutralBand = 0.05;

    /// <summary>
    /// At or below this compound a negative case is angry rather than frustrated. One plain complaint ("it
    /// doesn't work", "still waiting for my refund", "the record is scratched") scores between -0.4 and -0.75;
    /// getting below -0.85 takes several strongly negative words ("worst", "scam", "furious") or such words with
    /// emphasis (capitals, exclamation marks, "absolutely"), which is how anger shows in writing.
    /// </summary>
    public const double AngryThreshold = -0.85;

    public static SentimentPolarity ToPolarity(double compound) =>
        compound >= NeutralBand ? SentimentPolarity.Positive
        : compound <= -NeutralBand ? SentimentPolarity.Negative
        : SentimentPolarity.Neutral;

    public static CaseSentiment ToCaseSentiment(double compound) =>
        compound >= NeutralBand ? CaseSentiment.Happy
        : compound <= AngryThreshold ? CaseSentiment.Angry
        : compound <= -NeutralBand ? CaseSentiment.Frustrated
        : CaseSentiment.Neutral;

    /// <summary>0 for -1, 50 for 0, 100 for +1; NaN counts as neutral.</summary>
    public static int ToScore(double compound) =>
        double.IsNaN(compound) ? 50 : (int)Math.Round((Math.Clamp(compound, -1, 1) + 1) * 50, MidpointRounding.AwayFromZero);

    /// <summary>The schema's spelling: "positive", "neutral", "negative".</summary>
    public static string ToLabel(this SentimentPolarity polarity) => polarity switch
    {
        SentimentPolarity.Positive => "positive",
        SentimentPolarity.Negative => "negative",
        _ => "neutral",
    };

    /// <summary>The schema's spelling: "happy", "neutral", "frustrated", "angry".</summary>
    public static string ToLabel(this CaseSentiment sentiment) => sentiment switch
    {
        CaseSentiment.Happy => "happy",
        CaseSentiment.Frustrated => "frustrated",
        CaseSentiment.Angry => "angry",
        _ => "neutral",
    };
}
