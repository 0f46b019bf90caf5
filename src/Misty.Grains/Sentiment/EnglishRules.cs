namespace Misty.Grains.Sentiment;

/// <summary>
/// The grammar the analyzer knows on top of the VADER lexicon: intensifiers, negators, contrast words, word-sense
/// cues, and multi-word expressions whose meaning is not the sum of their words. Valences use the lexicon's
/// -4..+4 scale; those set here are judgement calls, placed beside lexicon words of similar strength.
/// </summary>
internal static class EnglishRules
{
    // Empirical values from Hutto and Gilbert (2014): an intensifier moves a valence by about 0.293, capitals by
    // 0.733, and a negation scales it by -0.74.
    public const float BoostStep = 0.293f;
    public const float CapsStep = 0.733f;
    public const float NegationScalar = -0.74f;

    /// <summary>Degree adverbs (amplifiers and downtoners) with the direction they push.</summary>
    public static readonly (string Word, float Scalar)[] Boosters =
    [
        .. Amplify(
            "absolutely", "amazingly", "awfully", "completely", "considerably", "damn", "decidedly", "deeply",
            "effing", "enormously", "entirely", "especially", "exceptionally", "extraordinarily", "extremely",
            "fabulously", "flipping", "flippin", "frackin", "fracking", "freaking", "freakin", "fricking",
            "frickin", "frigging", "friggin", "fucking", "fully", "greatly", "hella", "highly", "hugely",
            "incredibly", "insanely", "intensely", "majorly", "more", "most", "particularly", "perfectly", "purely",
            "quite", "really", "remarkably", "ridiculously", "seriously", "so", "soo", "sooo", "soooo",
            "substantially", "super", "terribly", "thoroughly", "totally", "tremendously", "truly", "uber",
            "unbelievably", "unusually", "utterly", "very", "bloody", "crazy", "mega", "wildly", "exceedingly"),
        .. Soften(
            "almost", "kinda", "kindof", "kind-of", "less", "marginally", "mildly", "moderately", "occasionally",
            "partly", "partially", "slightly", "somewhat", "sorta", "sortof", "sort-of", "fairly", "relatively",
            "reasonably"),
        // "pretty good" is good, not prettiness plus goodness: a modifier that neither raises nor lowers.
        ("pretty", 0f),
    ];

    /// <summary>Multi-word degree expressions.</summary>
    public static readonly (string Phrase, float Scalar)[] BoosterPhrases =
    [
        ("kind of", -BoostStep), ("sort of", -BoostStep), ("a bit", -BoostStep), ("a little", -BoostStep),
        ("a little bit", -BoostStep), ("just enough", -BoostStep), ("a tad", -BoostStep),
        ("way too", BoostStep), ("so much", BoostStep), ("by far", BoostStep),
    ];

    /// <summary>VADER's words that deny what follows. Contractions ending in n't are recognised by their ending.</summary>
    public static readonly string[] Negators =
    [
        "not", "no", "never", "none", "neither", "nor", "cannot", "without", "nope", "nothing", "nowhere", "rarely",
        "seldom", "despite", "least", "aint", "arent", "cant", "couldnt", "darent", "didnt", "doesnt", "dont",
        "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neednt", "shant", "shouldnt", "wasnt", "werent",
        "wont", "wouldnt",
    ];

    /// <summary>Negators VADER lacks; "hardly" and "barely" deny ("hardly inspires confidence") rather than soften.</summary>
    public static readonly string[] MoreNegators =
    [
        "nobody", "hardly", "barely", "scarcely", "lack", "lacks", "lacked", "lacking",
    ];

    public static readonly string[] NegatorPhrases = ["no longer", "by no means", "in no way"];

    public static readonly string[] EmphaticNegators = ["never", "rarely", "seldom"];

    public static readonly string[] NegatorEmphasis = ["so", "this", "that", "more"];

    public static readonly string[] Contrasts = ["but", "however"];

    /// <summary>Swear words, scored at their lexicon valence like VADER does, without the extra weight of negatives.</summary>
    public static readonly string[] Expletives = ["fuck", "shit", "damn", "damned", "goddamn", "hell", "bloody"];

    public static readonly string[] VerbContexts =
    [
        "i", "you", "we", "they", "he", "she", "who", "people", "u", "ya", "ppl", "fans", "everyone", "everybody",
        "anyone", "kids", "do", "does", "did", "would", "will", "might", "may", "could", "should", "can", "must",
        "to", "really", "also", "just", "actually", "still", "always", "truly", "genuinely", "definitely",
        "totally", "especially", "particularly", "kinda", "sorta", "not", "never", "dont", "didnt", "doesnt",
        "wont", "wouldnt", "cant", "certainly", "honestly", "seriously", "absolutely", "sure", "i'd", "i'll",
    ];

    public static readonly string[] VerbOnly = ["like"];

    public static readonly string[] Determiners =
    [
        "a", "an", "the", "this", "that", "these", "those", "what", "which", "some", "any", "every", "each", "one",
        "same", "its", "his", "her", "their", "our", "my", "your", "another", "other", "no",
    ];

    public static readonly string[] AdjectiveOnly = ["kind"];

    public static readonly string[] NotInRequests = ["help"];

    public static readonly string[] Asking = ["please", "pls", "plz", "need", "needs", "needed", "send", "you", "u", "ya", "for"];

    /// <summary>VADER's idioms: phrases whose words say something else.</summary>
    public static readonly (string Phrase, float Valence)[] Idioms =
    [
        ("the bomb", 3f), ("the shit", 3f), ("bad ass", 1.5f), ("yeah right", -2f), ("kiss of death", -1.5f),
        ("to die for", 3f), ("cut the mustard", 2f), ("hand to mouth", -2f), ("back handed", -2f),
        ("beating heart", 3.1f), ("broken heart", -2.9f), ("bus stop", 0f),
    ];

    /// <summary>Idioms and set phrases beyond VADER's, with their valence.</summary>
    public static readonly (string Phrase, float Valence)[] MoreIdioms =
    [
        ("what a joke", -2f), ("over the moon", 3f), ("top notch", 2.5f), ("second to none", 3f), ("thumbs up", 2f),
        ("thumbs down", -2f), ("not my cup of tea", -1.5f), ("fell apart", -2f), ("falls apart", -2f),
        ("fall apart", -2f), ("fell flat", -2f), ("falls flat", -2f), ("dead on arrival", -2.5f), ("let down", -1.9f),
        ("let me down", -2f), ("the last straw", -2.5f), ("sick of", -2f), ("tired of", -1.8f), ("had enough", -1.5f),
        ("can't wait", 2f), ("cannot wait", 2f), ("cant wait", 2f), ("couldn't be happier", 3f),
        ("could not be happier", 3f), ("couldn't be better", 3f), ("could not be better", 3f),
        ("can't recommend enough", 3f), ("can't recommend it enough", 3f), ("cannot recommend enough", 3f),
        ("cannot recommend it enough", 3f), ("could be better", -1f), ("could have been better", -1.2f),
        ("could've been better", -1.2f), ("should have been better", -1.2f), ("should've been better", -1.2f),
    ];

    /// <summary>Informal cheers, where a swear word or a word of violence is the emphasis of praise.</summary>
    public static readonly (string Phrase, float Valence)[] InformalCheers =
    [
        ("hell yeah", 2.5f), ("hell yes", 2.5f), ("heck yeah", 2.5f), ("heck yes", 2.5f), ("fuck yeah", 2.5f),
        ("fuck yes", 2.5f), ("shit yeah", 2.2f), ("holy shit", 0f), ("holy crap", 0f), ("killed it", 2.5f),
        ("nailed it", 2.5f), ("goes hard", 2f),
    ];

    /// <summary>Phrases of shopping and service.</summary>
    public static readonly (string Phrase, float Valence)[] ShopPhrases =
    [
        ("waste of money", -3f), ("waste of time", -3f), ("rip off", -2.5f), ("rip-off", -2.5f),
        ("worth every penny", 3f), ("never again", -2f), ("stopped working", -2f), ("piece of junk", -3f),
        ("piece of crap", -3f), ("works like a charm", 3f), ("as described", 1f), ("as advertised", 1f),
        ("on time", 1f), ("mint condition", 2f), ("near mint", 1.5f), ("still waiting", -1.8f),
        ("arrived late", -1.5f), ("money back", -1.2f), ("money back guarantee", 0.5f), ("surface noise", -1f),
        ("save your money", -2.5f), ("waste your money", -2.5f), ("waste your time", -2.5f),
        ("don't waste your money", -2.5f), ("do not waste your money", -2.5f), ("dont waste your money", -2.5f),
        ("don't bother", -1.8f), ("do not bother", -1.8f), ("dont bother", -1.8f), ("buy again", 1.5f),
        ("buy it again", 1.5f), ("order again", 1.5f), ("shop here again", 1.5f), ("not what i expected", -1.5f),
        ("not what i ordered", -1.8f), ("returned it", -1.2f), ("sent it back", -1.2f), ("cheaply made", -2f),
        ("feels cheap", -1.5f), ("looks cheap", -1.5f), ("does the job", 1f), ("does the trick", 1f),
        ("been waiting", -1f), ("five stars", 2.5f), ("5 stars", 2.5f), ("four stars", 1.5f), ("4 stars", 1.5f),
        ("two stars", -1.2f), ("2 stars", -1.2f), ("one star", -2.2f), ("1 star", -2.2f), ("zero stars", -3f),
        ("0 stars", -3f), ("no stars", -3f),
    ];

    /// <summary>Fixed expressions whose sentiment words mean nothing here: sign-offs, requests, discourse markers.</summary>
    public static readonly (string Phrase, float Valence)[] FixedExpressions =
    [
        ("kind regards", 0f), ("best regards", 0f), ("warm regards", 0f), ("best wishes", 0f), ("would like", 0f),
        ("i'd like", 0f), ("we'd like", 0f), ("at least", 0f), ("as well", 0f), ("as well as", 0f), ("no doubt", 0f),
        ("no matter", 0f), ("not only", 0f), ("but also", 0f), ("pretty much", 0f), ("nothing but", 0f),
        ("on the other hand", 0f), ("on the one hand", 0f), ("united states", 0f), ("united nations", 0f),
        ("united kingdom", 0f),
    ];

    /// <summary>
    /// Lexicon words re-rated for the sense customers use: "please" marks a request, "kinds" and "unlike" are a
    /// noun and a preposition.
    /// </summary>
    public static readonly (string Word, float Valence)[] EverydayWords =
    [
        ("please", 0f), ("kinds", 0f), ("regards", 0f), ("unlike", 0f),
    ];

    /// <summary>Common words of praise and complaint that the lexicon lacks, placed beside listed words of like strength.</summary>
    public static readonly (string Word, float Valence)[] CommonWords =
    [
        ("incredible", 2.8f), ("exceptional", 2.8f), ("phenomenal", 3f), ("legendary", 2.4f), ("epic", 2.2f),
        ("unreal", 1.8f), ("stoked", 2.4f), ("tasty", 2f), ("comfy", 1.6f), ("cozy", 1.6f), ("reliable", 1.5f),
        ("sturdy", 1.4f), ("decent", 1.2f), ("underrated", 1.2f), ("naff", -1.2f), ("overrated", -1.4f),
        ("mediocre", -1.5f), ("subpar", -1.6f), ("flimsy", -1.6f), ("shoddy", -2f), ("rubbish", -2.2f), ("gutted", -2.2f),
    ];

    /// <summary>Words of the record trade and of online shopping that the lexicon lacks.</summary>
    public static readonly (string Word, float Valence)[] ShopWords =
    [
        ("scratched", -1.5f), ("scratches", -1.2f), ("scratchy", -1.5f), ("warped", -2f), ("warping", -1.8f),
        ("skips", -1.5f), ("skipping", -1.5f), ("crackle", -0.8f), ("crackles", -0.8f), ("crackling", -0.8f),
        ("hiss", -0.8f), ("hissing", -0.8f), ("dented", -1.5f), ("cracked", -1.8f), ("scuffed", -1.2f),
        ("scuffs", -1f), ("creased", -1f), ("unplayable", -2.8f), ("overpriced", -1.8f), ("pricey", -0.8f),
        ("refund", -1f), ("slow", -0.8f), ("unresponsive", -1.8f), ("fast", 0.8f), ("quick", 0.8f), ("speedy", 1.5f),
        ("prompt", 1f), ("promptly", 1f), ("pristine", 2f),
    ];

    /// <summary>Neutral verbs of expectation that turn negative when denied: "didn't work", "never arrived".</summary>
    public static readonly (string Word, float NegatedValence)[] DeniedExpectations =
    [
        ("work", -1.8f), ("works", -1.8f), ("worked", -1.8f), ("working", -1.8f),
        ("arrive", -1.5f), ("arrived", -1.5f), ("arrives", -1.5f), ("received", -1.5f), ("receive", -1.5f),
        ("fit", -1.2f), ("fits", -1.2f), ("play", -1.2f), ("plays", -1.2f), ("load", -1.2f), ("loads", -1.2f),
        ("respond", -1.5f), ("responded", -1.5f), ("responds", -1.5f), ("response", -1.5f), ("reply", -1.5f),
        ("replied", -1.5f), ("answer", -1.2f), ("answered", -1.2f), ("answers", -1.2f), ("shipped", -1.2f),
        ("delivered", -1.5f),
    ];

    /// <summary>
    /// Emoji whose description misses what they say in messages ("pouting face" reads as anger, "fire" as praise),
    /// keyed by description so that every skin tone and gender variant agrees.
    /// </summary>
    public static readonly (string Description, float Valence)[] EmojiValences =
    [
        ("pouting face", -2.8f), ("face with symbols on mouth", -3.2f), ("face vomiting", -2.5f),
        ("nauseated face", -2f), ("face with rolling eyes", -1.3f), ("face with steam from nose", -1.5f),
        ("pile of poo", -1.5f), ("person facepalming", -1.5f), ("man facepalming", -1.5f),
        ("woman facepalming", -1.5f), ("fire", 1.5f), ("hundred points", 2f), ("clapping hands", 1.8f),
        ("raising hands", 1.8f), ("star-struck", 2.5f), ("partying face", 2.5f), ("glowing star", 1.5f),
        ("white heavy check mark", 1f), ("cross mark", -1f),
    ];

    private static IEnumerable<(string, float)> Amplify(params string[] words) => words.Select(w => (w, BoostStep));

    private static IEnumerable<(string, float)> Soften(params string[] words) => words.Select(w => (w, -BoostStep));
}
