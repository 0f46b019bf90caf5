namespace Misty.Grains.Sentiment;

/// <summary>
/// What the analyzer adds to VADER, rule by rule. The analyzer runs with <see cref="All"/>; the sentiment
/// benchmark switches each rule off in turn and scores every kind of text, so that a rule stays only where it helps.
/// </summary>
[Flags]
public enum SentimentRules
{
    /// <summary>VADER's own rules over the VADER lexicon.</summary>
    None = 0,

    /// <summary>Intensifiers, negators and phrases stop at punctuation; VADER reaches across it.</summary>
    ClauseScope = 1 << 0,

    /// <summary>"but" shifts weight within its own sentence (or from the one before); VADER shifts the whole text.</summary>
    SentenceContrast = 1 << 1,

    /// <summary>Negative words count 1.5 times, against the positive lean of running text.</summary>
    NegativeWeight = 1 << 2,

    /// <summary>Swear words are not weighted up, and informal cheers ("hell yeah", "killed it") read as phrases.</summary>
    SwearingAsEmphasis = 1 << 3,

    /// <summary>"like" the preposition, "kind" the noun and "help" asked for carry no sentiment.</summary>
    WordSense = 1 << 4,

    /// <summary>An intensifier that ends its clause keeps its own valence ("works perfectly", "super!"); VADER always drops it.</summary>
    ModifierValence = 1 << 5,

    /// <summary>Inflected and derived forms of listed words ("disappoints", "unfunny", "charmless").</summary>
    DerivedForms = 1 << 6,

    /// <summary>Stretched words ("goooood") read as their word plus emphasis, long laughter as "hahaha".</summary>
    StretchedWords = 1 << 7,

    /// <summary>Negators beyond VADER's: "hardly", "barely", "lacking", "no longer".</summary>
    MoreNegators = 1 << 8,

    /// <summary>Neutral verbs that turn negative when denied: "didn't work", "never arrived".</summary>
    DeniedExpectations = 1 << 9,

    /// <summary>Idioms beyond VADER's own ("over the moon", "sick of", "can't wait").</summary>
    MoreIdioms = 1 << 10,

    /// <summary>Words and phrases of the record trade and of shopping ("warped", "waste of money", "five stars").</summary>
    ShopVocabulary = 1 << 11,

    /// <summary>Sign-offs and discourse markers ("kind regards", "at least", "no doubt") carry no sentiment.</summary>
    FixedExpressions = 1 << 12,

    /// <summary>Lexicon words re-rated for their everyday sense: "please" and "help" mark requests.</summary>
    EverydayWords = 1 << 13,

    /// <summary>Emoji whose description misses their use ("fire", "pouting face").</summary>
    EmojiReadings = 1 << 14,

    /// <summary>Common words of praise and complaint the VADER lexicon lacks ("incredible", "decent", "flimsy").</summary>
    CommonWords = 1 << 15,

    /// <summary>Bare numbers are quantities, not the lexicon's texting slang ("86", "143").</summary>
    NumbersAsQuantities = 1 << 16,

    /// <summary>The analyzer as it runs.</summary>
    All = (1 << 17) - 1,
}
