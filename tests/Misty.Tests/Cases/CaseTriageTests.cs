using Misty.Grains.Cases.Triage;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Sentiment;

namespace Misty.Tests.Cases;

[Trait("Category", "Unit")]
public sealed class CaseTriageTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static readonly OrderFacts ShippedOrder = new("ORD-260305-0042", "shipped", Now.AddDays(-5), 54.90m,
        new ShipmentFacts("DHL", "JD014600003828", "in_transit", Now.AddDays(-4), Now.AddDays(1), null), "completed", false);

    private static readonly OrderFacts DeliveredOrder = new("ORD-260220-0007", "delivered", Now.AddDays(-18), 31.50m,
        new ShipmentFacts("Royal Mail", "RM123456789GB", "delivered", Now.AddDays(-17), Now.AddDays(-15), Now.AddDays(-15)), "completed", false);

    private static readonly CustomerContext Ada = new("Ada", [ShippedOrder, DeliveredOrder]);

    private static TriageResult Assess(string message, string subject = "", CustomerContext? customer = null, CaseCategory? category = null) =>
        CaseTriage.Assess(new TriageInput(subject, message, category, customer ?? Ada, Now));

    [Fact]
    public void An_angry_customer_about_an_order_gets_high_priority()
    {
        var triage = Assess("This is absolutely UNACCEPTABLE!!! Order ORD-260220-0007 arrived smashed and nobody answers my emails. Worst shop ever.");
        Assert.Equal(CaseSentiment.Angry, triage.Mood);
        Assert.Equal(CaseCategory.OrderIssue, triage.Category);
        Assert.Equal(CasePriority.High, triage.Priority);
        Assert.Equal("angry about an order", triage.PriorityReason);
        Assert.Equal("ORD-260220-0007", triage.Order?.OrderNumber);
        Assert.True(triage.OrderNamed);
        Assert.InRange(triage.AiScore, 71, 80);
        Assert.StartsWith("The customer is angry", triage.Suggestion.NextAction);
    }

    [Fact]
    public void Anger_words_make_a_plainly_worded_complaint_angry()
    {
        var triage = Assess("My parcel is late again. This is unacceptable.");
        Assert.Equal(CaseSentiment.Angry, triage.Mood);
        Assert.Equal(CasePriority.High, triage.Priority);
    }

    [Theory]
    [InlineData("I was charged twice for the same order, please refund one of them.", "payment problem")]
    [InlineData("There is a payment on my card that I don't recognise. Did someone use my account?", "possible fraud")]
    [InlineData("I think this is fraud: an order I never placed was billed to me.", "possible fraud")]
    public void Payment_and_fraud_problems_are_critical(string message, string reason)
    {
        var triage = Assess(message);
        Assert.True(triage.PaymentProblem);
        Assert.Equal(CasePriority.Critical, triage.Priority);
        Assert.Equal(reason, triage.PriorityReason);
        Assert.InRange(triage.AiScore, 85, 100);
        Assert.StartsWith("Urgent: check", triage.Suggestion.NextAction);
    }

    [Fact]
    public void A_card_mentioned_without_trouble_is_not_a_payment_problem()
    {
        var triage = Assess("Can I pay by card in the shop on Saturday?");
        Assert.False(triage.PaymentProblem);
        Assert.NotEqual(CasePriority.Critical, triage.Priority);
    }

    [Theory]
    [InlineData("Where is my parcel? The tracking has not moved for days.", CaseCategory.OrderIssue)]
    [InlineData("I would like to return the record, it skips on side two. Can I get a refund?", CaseCategory.Return)]
    [InlineData("Is your copy of Blue Train an original pressing or a reissue? Is it in stock?", CaseCategory.ProductQuestion)]
    [InlineData("I cannot log in: the password reset email never arrives and the website shows an error.", CaseCategory.Technical)]
    [InlineData("Do you sell gift cards, and what are your opening times on holidays?", CaseCategory.General)]
    public void The_category_guess_follows_the_words(string message, CaseCategory expected)
    {
        var triage = Assess(message);
        Assert.Equal(expected, triage.Category);
        Assert.InRange(triage.CategoryConfidence, 50, 95);
    }

    [Fact]
    public void A_message_without_any_telling_word_is_general_and_unsure()
    {
        var triage = Assess("Hello.");
        Assert.Equal(CaseCategory.General, triage.Category);
        Assert.Equal(35, triage.CategoryConfidence);
    }

    [Fact]
    public void A_calm_question_is_low_and_urgent_wording_raises_it()
    {
        Assert.Equal(CasePriority.Low, Assess("Is the new Khruangbin LP in stock?").Priority);
        var urgent = Assess("Is the new Khruangbin LP in stock? I need it urgently for a birthday.");
        Assert.Equal(CasePriority.Medium, urgent.Priority);
        Assert.Contains("urgency", urgent.PriorityReason);
    }

    [Fact]
    public void The_reply_for_a_parcel_on_its_way_quotes_its_carrier_tracking_and_expected_day()
    {
        var triage = Assess("Where is my order ORD-260305-0042? I have been waiting all week.");
        Assert.Equal("ORD-260305-0042", triage.Order?.OrderNumber);
        Assert.Contains("DHL, tracking number JD014600003828", triage.Suggestion.ReplyDraft);
        Assert.Contains("expected on 11 March 2026", triage.Suggestion.ReplyDraft);
        Assert.StartsWith("Hi Ada,", triage.Suggestion.ReplyDraft);
        Assert.Contains("Share the tracking of order ORD-260305-0042 (DHL, tracking number JD014600003828)", triage.Suggestion.NextAction);
        Assert.Equal(85, triage.Suggestion.ReplyConfidence);
    }

    [Fact]
    public void Without_an_order_number_the_latest_order_is_used_with_less_confidence()
    {
        var named = Assess("Where is my order ORD-260305-0042?");
        var guessed = Assess("Where is my parcel? The tracking is stuck.");
        Assert.Equal(ShippedOrder, guessed.Order);
        Assert.False(guessed.OrderNamed);
        Assert.True(guessed.Suggestion.ReplyConfidence < named.Suggestion.ReplyConfidence);
        Assert.True(guessed.Suggestion.NextActionConfidence < named.Suggestion.NextActionConfidence);
    }

    [Fact]
    public void A_delivered_parcel_that_is_missing_gets_a_carrier_claim_and_a_return_outside_the_window_goes_to_a_manager()
    {
        var missing = Assess("Tracking for ORD-260220-0007 says delivered but it never arrived.");
        Assert.Contains("delivered on 23 February 2026", missing.Suggestion.NextAction);
        Assert.Contains("claim with the carrier", missing.Suggestion.ReplyDraft);

        var lateReturn = Assess("I want to return ORD-260220-0007, it is warped.", category: CaseCategory.Return);
        Assert.Equal(CaseCategory.Return, lateReturn.Category);
        Assert.Contains("within the 30-day return window", lateReturn.Suggestion.NextAction);

        var oldOrder = DeliveredOrder with { OrderDate = Now.AddDays(-45) };
        var pastWindow = Assess("I want to return ORD-260220-0007, it is warped.", customer: new CustomerContext("Ada", [oldOrder]));
        Assert.Contains("past the 30-day return window", pastWindow.Suggestion.NextAction);
    }

    [Fact]
    public void Order_questions_from_a_customer_without_orders_ask_for_the_number()
    {
        var triage = Assess("My order arrived damaged.", customer: new CustomerContext(null, []));
        Assert.Null(triage.Order);
        Assert.Contains("order number", triage.Suggestion.ReplyDraft);
        Assert.StartsWith("Hi there,", triage.Suggestion.ReplyDraft);
    }

    [Fact]
    public void Thanks_are_happy_and_low()
    {
        var triage = Assess("Thank you so much, the team in the store were brilliant on Saturday!");
        Assert.Equal(CaseSentiment.Happy, triage.Mood);
        Assert.Equal(CasePriority.Low, triage.Priority);
        Assert.InRange(triage.AiScore, 10, 20);
        Assert.Contains("kind words", triage.Suggestion.ReplyDraft);
    }

    [Fact]
    public void The_same_message_and_orders_always_get_the_same_triage()
    {
        const string message = "Order ORD-260305-0042 still hasn't arrived and I was charged twice. Fix this now!";
        Assert.Equal(Assess(message), Assess(message));
    }

    [Fact]
    public void The_summary_carries_the_schema_labels()
    {
        var summary = Assess("This is the worst, most infuriating service ever. Order ORD-260305-0042 is lost!!").Summary();
        Assert.Equal("angry", summary.Sentiment);
        Assert.Equal("ORD-260305-0042", summary.OrderNumber);
        Assert.InRange(summary.SentimentScore, 0, 20);
    }
}
