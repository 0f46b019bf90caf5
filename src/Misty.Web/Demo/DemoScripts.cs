namespace Misty.Web.Demo;

/// <summary>What the demo's shoppers write and are called: a few varied lines, so triage and sentiment have work to do.</summary>
internal static class DemoScripts
{
    private static readonly string[] FirstNames = ["Nina", "Otis", "Etta", "Miles", "Aretha", "Chet", "Billie", "Thelonious", "Joni", "Curtis", "Sade", "Marvin"];
    private static readonly string[] LastNames = ["Rivers", "Bloom", "Hart", "Stone", "Vale", "Crane", "Monroe", "Keats", "Ward", "Lowe", "Parrish", "Quinn"];
    private static readonly string[] Streets = ["Groove Lane", "Needle Street", "Vinyl Row", "Turntable Way", "Sleeve Court", "Bassline Road"];
    private static readonly string[] Towns = ["Springfield", "Riverton", "Lakeside", "Oakham", "Brookfield"];

    private static readonly (string Subject, string Text)[] CaseMessages =
    [
        ("Where is my order?", "I ordered last week and the tracking has not moved for four days. Can you check where my parcel is?"),
        ("Record arrived warped", "The record arrived badly warped and it skips on side B. I am really disappointed, this was a gift."),
        ("Wrong album in the box", "I received a different album than the one I ordered. How do I send it back and get the right one?"),
        ("Question about condition grading", "What does VG+ mean for the sleeve? I want to know before I buy a second copy."),
        ("Refund not received", "You cancelled my order ten days ago and I still have not seen the refund. This is unacceptable."),
        ("Change of address", "Could you ship my order to my office instead? I will not be home this week."),
        ("Thank you!", "The pressing sounds wonderful and it arrived so well packed. Thank you, I will be back."),
        ("Scratched vinyl", "There is a deep scratch across the first track. Can I get a replacement copy please?"),
    ];

    private static readonly string[] FollowUps =
    [
        "Any news on this? I have not heard back yet.",
        "I found the order number: it is in my confirmation email. Thanks for looking.",
        "Still waiting. Please call me back as soon as possible.",
    ];

    private static readonly (int Rating, string Text)[] Reviews =
    [
        (5, "A stunning pressing of {0}: quiet vinyl, deep bass, a gorgeous sleeve."),
        (4, "{0} sounds great, a little surface noise on the first track."),
        (3, "{0} is fine but the sleeve arrived with a bent corner."),
        (2, "Disappointed with {0}: noticeable crackle throughout side A."),
        (1, "My copy of {0} was warped and unplayable. Terrible."),
        (5, "{0} is an essential record, and this copy is flawless."),
    ];

    public static (string First, string Last) Name(Random random) => (Pick(random, FirstNames), Pick(random, LastNames));

    public static string Address(Random random) => $"{random.Next(1, 240)} {Pick(random, Streets)}, {Pick(random, Towns)}";

    public static (string Subject, string Text) CaseMessage(Random random) => Pick(random, CaseMessages);

    public static string FollowUp(Random random) => Pick(random, FollowUps);

    public static (int Rating, string Text) Review(Random random, string title)
    {
        var (rating, text) = Pick(random, Reviews);
        return (rating, string.Format(System.Globalization.CultureInfo.InvariantCulture, text, title));
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
