namespace Misty.Seeding;

/// <summary>A kind of customer-service case: its opening words, how it tends to feel, and how the team answers.</summary>
internal sealed record CaseScript(
    string Category,
    IReadOnlyList<(string Subject, string Description)> Openings,
    IReadOnlyList<(string Sentiment, double Weight)> Moods,
    IReadOnlyList<string> Replies,
    string Suggestion);

/// <summary>The words of the demo's customer-service cases. {order} and {album} are filled in per case.</summary>
internal static class CaseScripts
{
    public static readonly CaseScript OrderIssue = new(
        "order_issue",
        [
            ("Order {order} arrived damaged", "My order {order} arrived today, but the sleeve of {album} is crushed and the record has a crack. Can you help?"),
            ("Wrong record in order {order}", "I ordered {album}, but the parcel for {order} contained a different record."),
            ("Where is my order {order}?", "The tracking for {order} has not updated in days. When will it arrive?"),
            ("Missing item in {order}", "Order {order} arrived without {album}."),
        ],
        [("happy", 5), ("neutral", 30), ("frustrated", 45), ("angry", 20)],
        [
            "Sorry about that! A replacement is on its way, and a prepaid label for the damaged copy is attached.",
            "Thanks for letting us know. I checked with the carrier: your parcel is moving again and should arrive in two days.",
            "Apologies for the mix-up. The right record ships today; keep the other one with our compliments.",
        ],
        "Apologise, check the packing record and the tracking, and offer a replacement or a refund with a prepaid return label.");

    public static readonly CaseScript Return = new(
        "return",
        [
            ("Return request for {album}", "I would like to return {album} from order {order}; it skips on side two."),
            ("Grading dispute on {album}", "{album} was listed as VG+ but plays more like VG. I would like to return it (order {order})."),
            ("Returning a gift", "I bought {album} as a gift and they already have it. Can I return it unopened? Order {order}."),
        ],
        [("happy", 5), ("neutral", 45), ("frustrated", 40), ("angry", 10)],
        [
            "No problem: a prepaid return label is attached, and we refund as soon as the record is back with us.",
            "Sorry the grading was off. Send it back with the attached label and we will refund in full or swap it for a better copy.",
        ],
        "Within the 30-day window: send a prepaid return label and refund on receipt; offer store credit as an alternative.");

    public static readonly CaseScript ProductQuestion = new(
        "product_question",
        [
            ("Question about {album}", "Is {album} an original pressing or a reissue? The listing is not clear."),
            ("More like {album}?", "I loved {album}. Do you have other records by the same artist in stock?"),
            ("Looking for {album}", "Can you let me know when a clean copy of {album} comes in?"),
        ],
        [("happy", 30), ("neutral", 60), ("frustrated", 10)],
        [
            "Good question! I pulled the record: the matrix numbers show it is a later pressing, and it plays beautifully.",
            "We have three more by the same artist in stock right now; I have put links in your account's wish list.",
            "You are on the want list now: we email as soon as a copy comes in.",
        ],
        "Answer from the catalogue listing, suggest similar records in stock, and add the customer to the want list if it is unavailable.");

    public static readonly CaseScript Technical = new(
        "technical",
        [
            ("Cannot log in", "The password reset email never arrives, so I cannot get into my account."),
            ("Error at checkout", "The payment page shows an error every time I try to pay."),
            ("Wish list not saving", "Albums I add to my wish list disappear after I log out."),
        ],
        [("neutral", 40), ("frustrated", 50), ("angry", 10)],
        [
            "Sorry for the trouble. I have reset your account; please try again and tell me if it still fails.",
            "Thanks for the report. The web team found the fault and fixed it this morning.",
        ],
        "Check the account and payment logs, reproduce the problem, and hand it to the web team if it persists.");

    public static readonly CaseScript General = new(
        "general",
        [
            ("Opening hours on holidays", "Are you open on public holidays?"),
            ("Gift cards", "Do you sell gift cards, and can they be used online?"),
            ("Selling my collection", "I have about 300 records to sell. Do you buy collections?"),
            ("Thank you!", "Just wanted to say the team in the store were brilliant on Saturday."),
        ],
        [("happy", 40), ("neutral", 50), ("frustrated", 10)],
        [
            "Thanks for getting in touch! All the details are below; happy to help with anything else.",
            "We do! Bring them in any weekday and we will value them while you wait.",
        ],
        "Reply with the information asked for; no further action needed.");

    public static readonly IReadOnlyList<(CaseScript Script, double Weight)> AboutOrders =
        [(OrderIssue, 45), (Return, 30), (ProductQuestion, 10), (General, 15)];

    public static readonly IReadOnlyList<(CaseScript Script, double Weight)> Standalone =
        [(ProductQuestion, 50), (Technical, 25), (General, 25)];

    public static readonly IReadOnlyList<string> InternalNotes =
    [
        "Checked the stock: a replacement copy is on the shelf.",
        "Long-standing customer; a goodwill discount on the next order is fine.",
        "Carrier claim filed for the damaged parcel.",
        "Needs a manager's approval for the refund.",
    ];

    public static readonly IReadOnlyList<string> CustomerFollowUps =
        ["Thanks, that was quick!", "Got it, thank you.", "Any news on this?", "Perfect, thanks for sorting it out."];

    public const string Closing = "Glad we could sort this out. Closing the case now; just reply if anything else comes up.";
}
