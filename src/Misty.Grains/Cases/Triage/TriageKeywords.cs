using Misty.Grains.Interfaces.Cases;

namespace Misty.Grains.Cases.Triage;

/// <summary>
/// The words the triage listens for, in <see cref="TriageText"/>'s normal form. Weights say how strongly a word points
/// to a category: "tracking" is about an order, "order" alone much less so (customers mention orders in every kind of case).
/// </summary>
internal static class TriageKeywords
{
    public static readonly IReadOnlyDictionary<CaseCategory, (string Term, double Weight)[]> Categories = new Dictionary<CaseCategory, (string, double)[]>
    {
        [CaseCategory.OrderIssue] =
        [
            ("order", 1), ("orders", 1), ("parcel*", 2), ("package*", 2), ("deliver*", 2), ("arriv*", 1.5), ("tracking", 2.5),
            ("track", 1.5), ("shipped", 1.5), ("shipping", 1.5), ("shipment*", 2), ("courier", 2), ("carrier", 2), ("postman", 2),
            ("damaged", 2.5), ("broken", 2), ("crushed", 2.5), ("cracked", 2.5), ("dented", 2), ("missing", 2), ("wrong", 2),
            ("late", 1), ("lost", 1.5), ("where is", 2), ("not arrived", 3), ("hasnt arrived", 3), ("never arrived", 3),
            ("still waiting", 2), ("dispatch*", 2), ("charged", 1.5), ("invoice", 1.5), ("cancel*", 1.5),
        ],
        [CaseCategory.Return] =
        [
            ("return*", 3), ("refund*", 2.5), ("exchange", 2.5), ("send it back", 3), ("send back", 3), ("skips", 2.5),
            ("skipping", 2.5), ("warped", 3), ("scratch*", 2), ("grading", 2.5), ("graded", 2), ("listed as", 1.5),
            ("changed my mind", 3), ("unopened", 2), ("not as described", 3), ("crackl*", 1.5),
        ],
        [CaseCategory.ProductQuestion] =
        [
            ("pressing", 2.5), ("reissue", 2.5), ("original", 1), ("in stock", 2.5), ("stock", 1), ("available", 1.5),
            ("availability", 2), ("do you have", 2.5), ("looking for", 2), ("condition", 1), ("matrix", 2.5), ("edition", 1.5),
            ("first press", 2.5), ("remaster*", 2), ("price", 1), ("want list", 2.5), ("recommend*", 1.5), ("similar", 1.5),
            ("question", 1), ("coloured", 1.5), ("colored", 1.5), ("preorder", 2), ("pre order", 2), ("restock*", 2),
        ],
        [CaseCategory.Technical] =
        [
            ("login", 3), ("log in", 3), ("logged", 2), ("sign in", 3), ("password", 3), ("account", 1.5), ("website", 2.5),
            ("site", 1.5), ("checkout", 2.5), ("error", 2.5), ("page", 1.5), ("app", 2), ("crash*", 2.5), ("bug", 2.5),
            ("loading", 2), ("browser", 2.5), ("reset", 1.5), ("button", 2), ("wish list", 2), ("basket", 1.5), ("cart", 1.5),
            ("newsletter", 1.5), ("unsubscribe", 2),
        ],
        [CaseCategory.General] =
        [
            ("hours", 2), ("opening times", 2.5), ("open on", 2), ("holiday*", 2), ("gift card*", 3), ("voucher*", 2.5),
            ("collection", 2), ("sell my", 2.5), ("thank you", 1.5), ("thanks", 1), ("brilliant", 1), ("location", 2),
            ("parking", 2.5), ("event*", 1.5), ("in store", 1), ("address", 1),
        ],
    };

    /// <summary>Words that name fraud on their own.</summary>
    public static readonly string[] Fraud =
    [
        "fraud*", "unauthori*", "chargeback*", "stolen", "scam*", "identity theft", "hacked", "phishing", "didnt make this",
        "did not make this", "dont recognise", "dont recognize", "do not recognise", "do not recognize", "without my permission",
    ];

    /// <summary>Money moving: with a <see cref="PaymentTrouble"/> word, a payment problem.</summary>
    public static readonly string[] Payment =
        ["charg*", "billed", "billing", "payment*", "paid", "pay", "card", "bank", "transaction*", "debited", "overcharg*"];

    public static readonly string[] PaymentTrouble =
        ["twice", "double", "duplicate*", "two times", "overcharg*", "failed", "declined", "wrong amount", "too much", "charged again"];

    /// <summary>Anger that a sentiment score can miss in a short, otherwise plain message ("This is unacceptable.").</summary>
    public static readonly string[] Anger =
    [
        "unacceptable", "ridiculous", "furious", "disgusted", "disgusting", "outraged", "livid", "worst", "never again",
        "lawyer", "legal action", "trading standards", "report you", "a joke", "appalling", "shocking",
    ];

    public static readonly string[] Urgency =
        ["urgent*", "asap", "immediately", "right away", "right now", "as soon as possible", "emergency", "deadline"];

    /// <summary>Something arrived in a bad way.</summary>
    public static readonly string[] Damage =
        ["damaged", "broken", "crushed", "cracked", "dented", "warped", "scratch*", "wrong", "missing", "smashed"];

    /// <summary>Something has not arrived yet.</summary>
    public static readonly string[] WhereIsIt =
    [
        "where is", "wheres", "tracking", "track", "late", "lost", "delay*", "not arrived", "hasnt arrived", "never arrived",
        "still waiting", "not received", "havent received", "still not",
    ];
}
