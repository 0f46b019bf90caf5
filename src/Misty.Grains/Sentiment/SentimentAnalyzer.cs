using System.Buffers;

namespace Misty.Grains.Sentiment;

/// <summary>
/// Rule-based sentiment scoring after VADER (Hutto and Gilbert, ICWSM 2014): lexicon valences for words,
/// emoticons and emoji, adjusted for intensifiers, negation, contrast, capitals and exclamation marks, then
/// squashed into a compound score in [-1, 1]. Beyond VADER it scopes modifiers and contrast to clauses and
/// sentences, reads inflected and un-/-less forms of listed words, tells "like" the verb from "like" the
/// preposition, and weights negative sentiment up to offset the positive bias of everyday language.
/// Immutable and thread-safe; share <see cref="Default"/>.
/// </summary>
public sealed class SentimentAnalyzer
{
    // VADER's normalisation: x / sqrt(x² + α) approaches ±1 as sentiment accumulates.
    private const float NormalizationAlpha = 15f;

    // How many words back an intensifier or negator still reaches the word it modifies (VADER's window).
    private const int ModifierReach = 3;

    // Positive words are used more freely than negative ones, so lexicon scores of running text lean positive
    // (Boucher and Osgood's Pollyanna effect); Taboada et al. (2011, "Lexicon-based methods for sentiment
    // analysis") weight negative expressions by 1.5 to compensate.
    private const float NegativeWeight = 1.5f;

    private const float ContrastBefore = 0.5f;
    private const float ContrastAfter = 1.5f;
    private const float NegatorEmphasisFactor = 1.25f;
    private const int MaxExclamations = 4;
    private const float ExclamationStep = 0.292f;
    private const int MaxQuestions = 3;
    private const float QuestionStep = 0.18f;
    private const float ManyQuestions = 0.96f;

    // An intensifier loses force with distance: full next to its word, 0.95 and 0.9 one and two words further.
    private static readonly float[] ReachDampening = [1f, 0.95f, 0.9f];

    private static readonly Lazy<SentimentAnalyzer> Shared = new(() => new SentimentAnalyzer(SentimentLexicon.LoadEmbedded()));

    private readonly SentimentLexicon _lexicon;
    private readonly EmojiTable _emoji;

    internal SentimentAnalyzer(SentimentLexicon lexicon)
    {
        _lexicon = lexicon;

        // Emoji descriptions are scored as text, which needs no emoji table yet.
        _emoji = EmojiTable.Empty;
        _emoji = new EmojiTable(EmojiValences(lexicon));
    }

    /// <summary>The shared analyzer over the embedded lexicons; built on first use.</summary>
    public static SentimentAnalyzer Default => Shared.Value;

    /// <summary>An analyzer with only some of the rules beyond VADER, to measure what each is worth.</summary>
    public static SentimentAnalyzer WithRules(SentimentRules rules) => new(SentimentLexicon.LoadEmbedded(rules));

    /// <summary>Scores a text of any length; null, empty and wordless texts are neutral.</summary>
    public SentimentScores Analyze(string? text) => Analyze(text.AsSpan());

    /// <inheritdoc cref="Analyze(string?)"/>
    public SentimentScores Analyze(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return SentimentScores.Empty;
        }

        var lowered = ArrayPool<char>.Shared.Rent(text.Length);
        var tokenizer = new SentimentTokenizer(_lexicon, _emoji, text, lowered);
        try
        {
            tokenizer.Run();
            var terms = tokenizer.Terms.Items;
            Score(terms, tokenizer.CapsWords > 0 && tokenizer.CapsWords < tokenizer.Words, _lexicon.Rules);
            return Combine(terms, tokenizer.Exclamations, tokenizer.Questions, _lexicon.Rules);
        }
        finally
        {
            tokenizer.Terms.Dispose();
            ArrayPool<char>.Shared.Return(lowered);
        }
    }

    /// <summary>
    /// An emoji means what its description says ("face with tears of joy"), scored by the same rules; the part
    /// after a colon ("clapping hands: dark skin tone") qualifies the picture, not its sentiment.
    /// </summary>
    private Dictionary<string, float> EmojiValences(SentimentLexicon lexicon)
    {
        var overrides = (lexicon.Rules.HasFlag(SentimentRules.EmojiReadings) ? EnglishRules.EmojiValences : []).ToDictionary(e => e.Description, e => e.Valence, StringComparer.Ordinal);
        var valences = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (emoji, description) in lexicon.EmojiDescriptions)
        {
            var colon = description.IndexOf(':', StringComparison.Ordinal);
            var meaning = colon < 0 ? description : description[..colon];
            valences[emoji] = overrides.TryGetValue(meaning, out var valence) ? valence : SumOfTerms(meaning);
        }

        return valences;
    }

    private float SumOfTerms(string text)
    {
        var tokenizer = new SentimentTokenizer(_lexicon, _emoji, text, new char[text.Length]);
        try
        {
            tokenizer.Run();
            var terms = tokenizer.Terms.Items;
            Score(terms, capsEmphasis: false, _lexicon.Rules);
            var sum = 0f;
            foreach (var term in terms)
            {
                sum += term.Score;
            }

            return sum;
        }
        finally
        {
            tokenizer.Terms.Dispose();
        }
    }

    private static void Score(Span<Term> terms, bool capsEmphasis, SentimentRules rules)
    {
        for (var i = 0; i < terms.Length; i++)
        {
            terms[i].Score = ScoreTerm(terms, i, capsEmphasis, rules);
        }

        ApplyContrast(terms, rules.HasFlag(SentimentRules.SentenceContrast));
    }

    private static float ScoreTerm(ReadOnlySpan<Term> terms, int i, bool capsEmphasis, SentimentRules rules)
    {
        var clauseScope = rules.HasFlag(SentimentRules.ClauseScope);
        var term = terms[i];
        var entry = term.Entry;
        if ((term.Flags & TermFlags.Symbol) != 0)
        {
            return entry.Valence;
        }

        var valence = entry.Valence;
        if (valence != 0 && entry.IsModifier && ((entry.Role & WordRole.Booster) != 0
                ? !(rules.HasFlag(SentimentRules.ModifierValence) && EndsClause(terms, i))
                : ModifiesAhead(terms, i, clauseScope)))
        {
            // "no problem", "super drying": here the word modifies, even a word the lexicon lacks; it does not carry
            // sentiment of its own.
            valence = 0;
        }

        if ((entry.Role & (WordRole.VerbOnly | WordRole.AdjectiveOnly | WordRole.NotInRequests)) != 0 && rules.HasFlag(SentimentRules.WordSense) &&
            !InSentimentSense(terms, i, clauseScope))
        {
            valence = 0;
        }

        if (valence == 0 && entry.NegatedValence == 0)
        {
            return 0;
        }

        var sign = valence >= 0 ? 1f : -1f;
        if (valence != 0 && capsEmphasis && (term.Flags & TermFlags.Caps) != 0)
        {
            valence += sign * EnglishRules.CapsStep;
        }

        var negations = 0;
        var emphasis = false;
        for (var distance = 1; distance <= ModifierReach && i - distance >= 0; distance++)
        {
            // "No problem, thanks!": the clause is the scope of a modifier.
            if (clauseScope && (terms[i - distance + 1].Flags & TermFlags.ClauseStart) != 0)
            {
                break;
            }

            var modifier = terms[i - distance];
            var role = modifier.Entry.Role;
            if (valence != 0 && (role & WordRole.Booster) != 0)
            {
                var boost = modifier.Entry.Scalar;
                if (capsEmphasis && (modifier.Flags & TermFlags.Caps) != 0 && boost != 0)
                {
                    boost += EnglishRules.CapsStep;
                }

                valence += sign * boost * ReachDampening[distance - 1];
            }

            if ((role & WordRole.Negator) != 0)
            {
                if ((role & WordRole.EmphaticNegator) != 0 && HasNegatorEmphasis(terms, i - distance + 1, i))
                {
                    emphasis = true;
                }
                else
                {
                    negations++;
                }
            }
        }

        if (valence == 0)
        {
            return negations % 2 == 1 ? entry.NegatedValence : 0;
        }

        for (var k = 0; k < negations; k++)
        {
            valence *= EnglishRules.NegationScalar;
        }

        return emphasis ? valence * NegatorEmphasisFactor : valence;
    }

    /// <summary>Whether nothing follows the word in its clause for it to modify: "works perfectly", "that was super!".</summary>
    private static bool EndsClause(ReadOnlySpan<Term> terms, int i) =>
        i == terms.Length - 1 || (terms[i + 1].Flags & (TermFlags.ClauseStart | TermFlags.Symbol)) != 0;

    /// <summary>Whether a sentiment word follows within reach, in the same clause, for this modifier to act on.</summary>
    private static bool ModifiesAhead(ReadOnlySpan<Term> terms, int i, bool clauseScope)
    {
        var stops = clauseScope ? TermFlags.ClauseStart | TermFlags.Symbol : TermFlags.Symbol;
        for (var k = i + 1; k <= i + ModifierReach && k < terms.Length; k++)
        {
            if ((terms[k].Flags & stops) != 0)
            {
                return false;
            }

            if (terms[k].IsSentimentBearing)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the word before picks the sense that carries sentiment: "I like", not "looks like"; "kind", not "a kind"; help given, not asked for.</summary>
    private static bool InSentimentSense(ReadOnlySpan<Term> terms, int i, bool clauseScope)
    {
        var attached = i > 0 && (!clauseScope || (terms[i].Flags & TermFlags.ClauseStart) == 0);
        var previous = attached ? terms[i - 1].Entry.Role : WordRole.None;
        var role = terms[i].Entry.Role;
        return (role & WordRole.VerbOnly) != 0 ? (previous & (WordRole.VerbContext | WordRole.Negator)) != 0
            : (role & WordRole.AdjectiveOnly) != 0 ? (previous & WordRole.Determiner) == 0
            : (previous & WordRole.Asking) == 0;
    }

    private static bool HasNegatorEmphasis(ReadOnlySpan<Term> terms, int from, int to)
    {
        for (var k = from; k < to; k++)
        {
            if ((terms[k].Entry.Role & WordRole.NegatorEmphasis) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// "but", "however": within a sentence, what follows outweighs what came before; opening a sentence, the
    /// contrast is with the previous sentence. As in VADER, a sentence's first contrast word is the one that counts.
    /// </summary>
    private static void ApplyContrast(Span<Term> terms, bool bySentence)
    {
        if (!bySentence)
        {
            ApplyContrastToText(terms);
            return;
        }

        var previousSentence = 0;
        var sentence = 0;
        var contrast = -1;
        for (var k = 0; k <= terms.Length; k++)
        {
            var atEnd = k == terms.Length;
            if (atEnd || ((terms[k].Flags & TermFlags.SentenceStart) != 0 && k > sentence))
            {
                if (contrast >= 0)
                {
                    var before = terms[(contrast == sentence ? previousSentence : sentence)..contrast];
                    foreach (ref var term in before)
                    {
                        term.Score *= ContrastBefore;
                    }

                    foreach (ref var term in terms[(contrast + 1)..k])
                    {
                        term.Score *= ContrastAfter;
                    }
                }

                if (atEnd)
                {
                    return;
                }

                previousSentence = sentence;
                sentence = k;
                contrast = -1;
            }

            if (contrast < 0 && (terms[k].Entry.Role & WordRole.Contrast) != 0)
            {
                contrast = k;
            }
        }
    }

    /// <summary>VADER's contrast: the text's first "but" halves everything before it and adds half to everything after.</summary>
    private static void ApplyContrastToText(Span<Term> terms)
    {
        for (var k = 0; k < terms.Length; k++)
        {
            if ((terms[k].Entry.Role & WordRole.Contrast) != 0)
            {
                foreach (ref var term in terms[..k])
                {
                    term.Score *= ContrastBefore;
                }

                foreach (ref var term in terms[(k + 1)..])
                {
                    term.Score *= ContrastAfter;
                }

                return;
            }
        }
    }

    private static SentimentScores Combine(ReadOnlySpan<Term> terms, int exclamations, int questions, SentimentRules rules)
    {
        if (terms.IsEmpty)
        {
            return SentimentScores.Empty;
        }

        // positive and negative sum |score| + 1 per word, as in VADER, so that the shares reflect both how many
        // words carry sentiment and how strongly.
        var negativeWeight = rules.HasFlag(SentimentRules.NegativeWeight) ? NegativeWeight : 1f;
        float sum = 0, positive = 0, negative = 0, neutral = 0;
        foreach (var term in terms)
        {
            var score = term.Score < 0 && (term.Entry.Role & WordRole.Expletive) == 0 ? term.Score * negativeWeight : term.Score;
            sum += score;
            if (score > 0)
            {
                positive += score + 1;
            }
            else if (score < 0)
            {
                negative += 1 - score;
            }
            else
            {
                neutral++;
            }
        }

        // Exclamation marks, and more than one question mark, amplify whatever the text already leans towards.
        var emphasis = Math.Min(exclamations, MaxExclamations) * ExclamationStep +
            (questions <= 1 ? 0 : questions <= MaxQuestions ? questions * QuestionStep : ManyQuestions);
        if (sum > 0)
        {
            sum += emphasis;
        }
        else if (sum < 0)
        {
            sum -= emphasis;
        }

        if (positive > negative)
        {
            positive += emphasis;
        }
        else if (negative > positive)
        {
            negative += emphasis;
        }

        var compound = Math.Clamp(sum / MathF.Sqrt(sum * sum + NormalizationAlpha), -1f, 1f);
        var total = positive + negative + neutral;
        return new SentimentScores(compound, positive / total, neutral / total, negative / total);
    }
}
