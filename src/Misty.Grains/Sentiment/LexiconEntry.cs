namespace Misty.Grains.Sentiment;

/// <summary>What a word (or a merged phrase) contributes to the score.</summary>
/// <param name="Valence">Sentiment on the lexicon's -4..+4 scale; 0 for words without any.</param>
/// <param name="Scalar">For intensifiers and downtoners: how far they push the valence of the words they modify.</param>
/// <param name="NegatedValence">For words that only carry sentiment when denied ("didn't work"): the valence then.</param>
internal readonly record struct LexiconEntry(float Valence, float Scalar, float NegatedValence, WordRole Role)
{
    public bool IsModifier => (Role & (WordRole.Negator | WordRole.Booster)) != 0;
}

[Flags]
internal enum WordRole : ushort
{
    None = 0,
    Negator = 1,
    Booster = 2,

    /// <summary>Shifts weight from the clause before it to the clause after it ("but").</summary>
    Contrast = 4,

    /// <summary>Begins at least one entry of the phrase table.</summary>
    PhraseStart = 8,

    /// <summary>"never", "rarely": deny, except before "so"/"this"/"more" ("never so good"), where they emphasise.</summary>
    EmphaticNegator = 16,

    /// <summary>"so", "this", "that", "more": turn a preceding emphatic negator into emphasis.</summary>
    NegatorEmphasis = 32,

    /// <summary>Words after which "like" is the verb: subjects, auxiliaries, some adverbs.</summary>
    VerbContext = 64,

    /// <summary>"like": sentiment only as a verb ("I like it"), none as a preposition ("looks like rain").</summary>
    VerbOnly = 128,

    /// <summary>Articles and other determiners, after which "kind" is a noun.</summary>
    Determiner = 256,

    /// <summary>"kind": no sentiment as a noun ("this kind", "a kind").</summary>
    AdjectiveOnly = 512,

    /// <summary>Swear words: as often emphasis ("holy shit, amazing") as complaint, so not weighted up when negative.</summary>
    Expletive = 1024,

    /// <summary>"help": no sentiment when asked for ("please help", "can you help", "need help"), some when given.</summary>
    NotInRequests = 2048,

    /// <summary>Words after which "help" is being asked for.</summary>
    Asking = 4096,
}
