using System.Globalization;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Sentiment;

namespace Misty.Grains.Cases.Triage;

/// <summary>What a suggestion is built from: the case, the customer's mood and the order it is about.</summary>
internal sealed record ReplySituation(
    CaseCategory Category,
    CaseSentiment Mood,
    bool PaymentProblem,
    OrderFacts? Order,
    bool OrderNamed,
    CustomerContext Customer,
    TriageText Text,
    DateTimeOffset Now);

/// <summary>
/// Builds the next action and the reply draft from the situation, quoting the order's status and tracking where they
/// answer the customer. Drafts are templates a person reviews: confidence is high only when the facts are the customer's own.
/// </summary>
internal static class ReplyDrafts
{
    public static readonly TimeSpan ReturnWindow = TimeSpan.FromDays(30);

    public static SuggestedAction Suggest(ReplySituation situation)
    {
        var (action, actionConfidence, body, replyConfidence) = situation switch
        {
            { PaymentProblem: true } => Payment(situation),
            { Category: CaseCategory.OrderIssue or CaseCategory.Return, Order: null } => AskForOrder(situation),
            { Category: CaseCategory.Return, Order: { } order } => Return(order, situation.Now),
            { Category: CaseCategory.OrderIssue, Order: { } order } when situation.Text.HasAny(TriageKeywords.Damage) => Damaged(order),
            { Category: CaseCategory.OrderIssue, Order: { } order } when situation.Text.HasAny(TriageKeywords.WhereIsIt) => WhereIsIt(order),
            { Category: CaseCategory.OrderIssue, Order: { } order } => OrderStatus(order),
            { Category: CaseCategory.ProductQuestion } => ProductQuestion(),
            { Category: CaseCategory.Technical } => Technical(),
            _ => General(situation.Mood),
        };
        if (situation.Order is not null && !situation.OrderNamed)
        {
            // The customer did not name the order: the latest one is a guess.
            (actionConfidence, replyConfidence) = (actionConfidence - 20, replyConfidence - 20);
        }

        var urgentAction = situation.Mood == CaseSentiment.Angry ? "The customer is angry: reply personally within the hour. " + action : action;
        return new SuggestedAction(urgentAction, actionConfidence, Letter(situation, body), replyConfidence);
    }

    private static (string, int, string, int) Payment(ReplySituation situation)
    {
        var order = situation.Order;
        var about = order is null ? "the customer's recent payments" : $"the payment of order {order.OrderNumber} ({PaymentFacts(order)})";
        return (
            $"Urgent: check {about}; refund any duplicate or unauthorised charge, hold unshipped orders, and hand suspected fraud to a manager.",
            order is null ? 70 : 85,
            "I have asked our payments team to check the charges straight away" + (order is null ? "." : $" on order {order.OrderNumber}.") +
            " Any charge made in error will be refunded in full, and we will confirm by email as soon as it is done.",
            75);
    }

    private static (string, int, string, int) AskForOrder(ReplySituation situation) => (
        situation.Customer.Orders.Count == 0
            ? "Ask for the order number: Misty has no order of this customer on record."
            : $"Ask which order this is about: none of the customer's {situation.Customer.Orders.Count} recent orders is named.",
        55,
        "Could you send us the order number? Then we can check it straight away.",
        60);

    private static (string, int, string, int) Return(OrderFacts order, DateTimeOffset now) =>
        now - order.OrderDate <= ReturnWindow
            ? ($"Order {order.OrderNumber} was placed on {Day(order.OrderDate)}, within the 30-day return window: send a prepaid return label and refund on receipt.",
                85,
                "You are within our 30-day return window: a prepaid return label is on its way, and we will refund you as soon as the record is back with us.",
                80)
            : ($"Order {order.OrderNumber} was placed on {Day(order.OrderDate)}, past the 30-day return window: offer store credit, or ask a manager for a goodwill exception.",
                75,
                $"Order {order.OrderNumber} is past our 30-day return window, but we want to make this right: I have asked a manager to look at it and will come back to you shortly.",
                65);

    private static (string, int, string, int) Damaged(OrderFacts order) => (
        $"Offer a replacement or a refund for order {order.OrderNumber} with a prepaid return label; ask for a photo and file a carrier claim if it was damaged in transit.",
        80,
        $"I am sorry that order {order.OrderNumber} did not arrive as it should. We will send a replacement or refund you in full, whichever you prefer, " +
        "and a prepaid return label is on its way. A photo of the damage would help us with the carrier.",
        80);

    private static (string, int, string, int) WhereIsIt(OrderFacts order)
    {
        var shipment = order.Shipment;
        if (shipment?.ActualDelivery is { } delivered)
        {
            return ($"Order {order.OrderNumber} shows as delivered on {Day(delivered)}: ask the customer to check with neighbours, and open a carrier claim if it is lost.",
                80,
                $"Our records show that order {order.OrderNumber} {Delivery(order)}. Could you check with your neighbours or your building's post room? " +
                "If it does not turn up, we will open a claim with the carrier and make it right.",
                75);
        }

        if (shipment is { ShippedDate: { } shipped })
        {
            return ($"Share the tracking of order {order.OrderNumber} ({Tracking(shipment)}) and chase the carrier if it has not moved since {Day(shipped)}.",
                85,
                $"Order {order.OrderNumber} {Delivery(order)}. If it has not moved in the next two working days, we will chase the carrier for you.",
                85);
        }

        return ($"Find out why order {order.OrderNumber} ({order.Status}) has not shipped, and give the customer a dispatch date.",
            80,
            $"Order {order.OrderNumber} {Delivery(order)}. I am checking with the team now and will confirm a dispatch date today.",
            75);
    }

    private static (string, int, string, int) OrderStatus(OrderFacts order) => (
        $"Review order {order.OrderNumber} ({order.Status}) against the customer's message and reply with the fix.",
        60,
        $"Order {order.OrderNumber} {Delivery(order)}. I am looking into your message and will get back to you shortly.",
        60);

    private static (string, int, string, int) ProductQuestion() => (
        "Answer from the catalogue listing; suggest similar records in stock, and offer the want list if it is unavailable.",
        60,
        "Good question! I am checking the record for you and will come back with the details shortly. " +
        "If it is not in stock, we can add you to our want list and email you as soon as a copy comes in.",
        55);

    private static (string, int, string, int) Technical() => (
        "Reproduce the problem (account, browser, checkout), check the logs, and hand it to the web team if it persists.",
        60,
        "Sorry for the trouble with our website. Could you tell us which device and browser you use, and what you see on the screen? We will sort it out.",
        55);

    private static (string, int, string, int) General(CaseSentiment mood) => mood == CaseSentiment.Happy
        ? ("Thank the customer; no further action needed.", 60, "Thank you so much for your kind words: I have passed them on to the team.", 70)
        : ("Reply with the information asked for; no further action needed.", 50, "Thank you for your message. [Answer the question here.]", 40);

    private static string Letter(ReplySituation situation, string body)
    {
        var greeting = string.IsNullOrWhiteSpace(situation.Customer.FirstName) ? "Hi there," : $"Hi {situation.Customer.FirstName.Trim()},";
        var thanks = situation.Order is { } order && situation.OrderNamed
            ? $"Thank you for getting in touch about order {order.OrderNumber}."
            : "Thank you for getting in touch.";
        var apology = situation.Mood switch
        {
            CaseSentiment.Angry => " I am very sorry: this is not the experience we want you to have.",
            CaseSentiment.Frustrated => " I am sorry for the trouble.",
            _ => "",
        };
        return $"{greeting}\n\n{thanks}{apology} {body}\n\nIf there is anything else, just reply to this message.\n\nBest wishes,\nThe Misty Records team";
    }

    /// <summary>Where the order is, in words: "shipped with DHL on 3 March (tracking number X) and is expected on 5 March".</summary>
    private static string Delivery(OrderFacts order) => order switch
    {
        { Status: "cancelled" } => "was cancelled",
        { Shipment.ActualDelivery: { } delivered } => $"was delivered on {Day(delivered)}",
        { Shipment: { ShippedDate: { } shipped } shipment } =>
            $"shipped on {Day(shipped)} ({Tracking(shipment)})" + (shipment.EstimatedDelivery is { } due ? $" and is expected on {Day(due)}" : ""),
        _ => $"is {order.Status} and has not shipped yet",
    };

    private static string Tracking(ShipmentFacts shipment) =>
        (shipment.Carrier, shipment.TrackingNumber) switch
        {
            ({ } carrier, { } number) => $"{carrier}, tracking number {number}",
            (null, { } number) => $"tracking number {number}",
            ({ } carrier, null) => $"with {carrier}, no tracking number",
            _ => "no tracking number",
        };

    private static string PaymentFacts(OrderFacts order) =>
        (order.PaymentStatus ?? "no payment") + (order.FraudFlagged ? ", flagged by fraud scoring" : "");

    private static string Day(DateTimeOffset instant) => instant.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
