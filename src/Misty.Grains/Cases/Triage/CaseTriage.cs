using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Knowledge;
using Misty.Grains.Sentiment;

namespace Misty.Grains.Cases.Triage;

/// <param name="Subject">The case's subject, for the opening message; empty for follow-ups.</param>
/// <param name="Category">The case's category when someone chose it; null to go by the triage's guess.</param>
public sealed record TriageInput(string Subject, string Message, CaseCategory? Category, CustomerContext Customer, DateTimeOffset Now);

/// <summary>The triage of one customer message. Confidences are percentages.</summary>
/// <param name="Mood">cases.ai_sentiment: the sentiment label, made angry by explicit anger words.</param>
/// <param name="AiScore">Urgency from 0 (can wait) to 100 (act now).</param>
/// <param name="Order">The customer's order the message is about, when one could be told.</param>
/// <param name="OrderNamed">Whether the message names <paramref name="Order"/> (rather than it being the latest order).</param>
public sealed record TriageResult(
    SentimentScores Sentiment,
    CaseSentiment Mood,
    int AiScore,
    CaseCategory Category,
    int CategoryConfidence,
    CasePriority Priority,
    int PriorityConfidence,
    string PriorityReason,
    bool PaymentProblem,
    OrderFacts? Order,
    bool OrderNamed,
    SuggestedAction Suggestion)
{
    public TriageSummary Summary() => new(Mood.ToLabel(), Sentiment.Score, AiScore, Category, CategoryConfidence, Priority,
        PriorityConfidence, PriorityReason, Order?.OrderNumber);
}

/// <summary>The next action for staff and a reply draft for the customer, each with a confidence in percent.</summary>
/// <param name="Citation">The staff document passage the draft relies on (the knowledge assistant's best match), when one was found.</param>
public sealed record SuggestedAction(string NextAction, int NextActionConfidence, string ReplyDraft, int ReplyConfidence, KnowledgeCitation? Citation = null)
{
    /// <summary>The suggestion citing <paramref name="citation"/>: staff are told which passage to check the draft against.</summary>
    public SuggestedAction Citing(KnowledgeCitation citation) =>
        this with { Citation = citation, NextAction = $"{NextAction} Policy to check the reply against: \"{citation.Title}\" ({citation.Snippet})" };
}

/// <summary>
/// Offline, deterministic triage of a customer's message: sentiment, a category guess, a priority proposal and a
/// suggested next action with a reply draft built from the customer's orders. Rules, not a model: the same message
/// and orders always give the same answer, and each part says how sure it is.
/// </summary>
public static class CaseTriage
{
    public static TriageResult Assess(TriageInput input)
    {
        var text = new TriageText($"{input.Subject} {input.Message}");
        var sentiment = SentimentAnalyzer.Default.Analyze(input.Subject.Length > 0 ? $"{input.Subject}. {input.Message}" : input.Message);
        var mood = sentiment.CaseSentiment is CaseSentiment.Frustrated or CaseSentiment.Neutral && sentiment.Compound < 0 && text.HasAny(TriageKeywords.Anger)
            ? CaseSentiment.Angry
            : sentiment.CaseSentiment;
        var (guess, categoryConfidence) = GuessCategory(text);
        var category = input.Category ?? guess;
        var (order, named) = FindOrder(text, category, input.Customer);
        var fraud = text.HasAny(TriageKeywords.Fraud);
        var payment = fraud || (text.HasAny(TriageKeywords.Payment) && text.HasAny(TriageKeywords.PaymentTrouble)) ||
            (order is { FraudFlagged: true } && text.HasAny(TriageKeywords.Payment));
        var aboutOrder = order is not null || category is CaseCategory.OrderIssue or CaseCategory.Return || text.Has("order");
        var (priority, priorityConfidence, reason) = ProposePriority(mood, category, payment, fraud, aboutOrder, text.HasAny(TriageKeywords.Urgency));
        var situation = new ReplySituation(category, mood, payment, order, named, input.Customer, text, input.Now);
        return new TriageResult(sentiment, mood, Urgency(priority, sentiment.Compound), guess, categoryConfidence, priority, priorityConfidence,
            reason, payment, order, named, ReplyDrafts.Suggest(situation));
    }

    /// <summary>The category whose words weigh most; sure when one clearly leads, unsure (general) when none is heard.</summary>
    public static (CaseCategory Category, int Confidence) GuessCategory(TriageText text)
    {
        var scores = TriageKeywords.Categories
            .Select(entry => (Category: entry.Key, Score: text.Score(entry.Value)))
            .OrderByDescending(entry => entry.Score)
            .ThenBy(entry => entry.Category)
            .ToList();
        var (top, second) = (scores[0], scores[1]);
        if (top.Score == 0)
        {
            return (CaseCategory.General, 35);
        }

        var confidence = (int)Math.Round(100 * top.Score / (top.Score + second.Score + 1));
        return (top.Category, Math.Clamp(confidence, 35, 95));
    }

    /// <summary>
    /// Payment or fraud problems are critical; anger is high (surest when it is about an order); frustration is medium;
    /// calm questions are low. Urgent wording raises a level, up to high.
    /// </summary>
    public static (CasePriority Priority, int Confidence, string Reason) ProposePriority(
        CaseSentiment mood, CaseCategory category, bool payment, bool fraud, bool aboutOrder, bool urgent)
    {
        if (payment)
        {
            return (CasePriority.Critical, fraud ? 95 : 90, fraud ? "possible fraud" : "payment problem");
        }

        var (priority, confidence, reason) = mood switch
        {
            CaseSentiment.Angry when aboutOrder => (CasePriority.High, 85, "angry about an order"),
            CaseSentiment.Angry => (CasePriority.High, 70, "angry customer"),
            CaseSentiment.Frustrated => (CasePriority.Medium, 65, "frustrated customer"),
            _ when category is CaseCategory.General or CaseCategory.ProductQuestion => (CasePriority.Low, 60, "calm question"),
            _ => (CasePriority.Medium, 55, "calm request"),
        };
        return urgent && priority < CasePriority.High ? (priority + 1, 60, reason + ", asks for urgency") : (priority, confidence, reason);
    }

    /// <summary>
    /// ai_score: the proposed priority's band (critical 90, high 70, medium 45, low 20), moved by up to 10 points by how
    /// negative or positive the message is.
    /// </summary>
    public static int Urgency(CasePriority priority, double compound)
    {
        var band = priority switch
        {
            CasePriority.Critical => 90,
            CasePriority.High => 70,
            CasePriority.Medium => 45,
            _ => 20,
        };
        return Math.Clamp(band - (int)Math.Round(compound * 10, MidpointRounding.AwayFromZero), 0, 100);
    }

    /// <summary>The order the message names; else, when the case is about an order, the customer's latest one.</summary>
    private static (OrderFacts? Order, bool Named) FindOrder(TriageText text, CaseCategory category, CustomerContext customer)
    {
        if (customer.Orders.FirstOrDefault(order => text.Has(TriageText.Normalize(order.OrderNumber))) is { } named)
        {
            return (named, true);
        }

        return category is CaseCategory.OrderIssue or CaseCategory.Return && customer.Orders.Count > 0 ? (customer.Orders[0], false) : (null, false);
    }
}
