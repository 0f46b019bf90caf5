namespace Misty.Seeding;

/// <summary>
/// Customer-service cases with their conversations: most are about an order (raised days after it was placed), the
/// rest are questions from any customer. Older cases are resolved or closed, recent ones still open; the AI fields
/// (sentiment, urgency score, suggestion) agree with the case.
/// </summary>
internal sealed class CaseGenerator(SeedOptions options, Catalog catalog, IReadOnlyList<CustomerProfile> customers, Staff staff)
{
    private const double CasesPerOrder = 0.04;
    private const double StandaloneCasesPerCustomer = 0.005;

    private static readonly Dictionary<string, IReadOnlyList<(string Priority, double Weight)>> PriorityByMood = new()
    {
        ["angry"] = [("critical", 30), ("high", 70)],
        ["frustrated"] = [("high", 50), ("medium", 50)],
        ["neutral"] = [("medium", 60), ("low", 40)],
        ["happy"] = [("medium", 20), ("low", 80)],
    };

    // Cases between three days and two weeks old: most are done, some still being worked on.
    private static readonly IReadOnlyList<(string Status, double Weight)> RecentStatuses =
        [(DbValues.CaseResolved, 55), (DbValues.CaseClosed, 10), (DbValues.CaseInProgress, 30), (DbValues.CasePending, 5)];

    private readonly SeedRandom _random = new(options.Seed, SeedStream.Cases);
    private readonly List<CaseRow> _cases = [];
    private readonly List<CaseMessageRow> _messages = [];

    public (IReadOnlyList<CaseRow> Cases, IReadOnlyList<CaseMessageRow> Messages) Generate(IReadOnlyList<PlacedOrder> orders)
    {
        var aboutOrders = orders.Count == 0 ? 0 : (int)Math.Round(orders.Count * CasesPerOrder);
        var standalone = (int)Math.Round(customers.Count * StandaloneCasesPerCustomer);
        var openings = Enumerable.Range(0, aboutOrders).Select(_ => AboutOrder(_random.Pick(orders)))
            .Concat(Enumerable.Range(0, standalone).Select(_ => Standalone(_random.Pick(customers))))
            .ToList()
            .OrderBy(opening => opening.CreatedAt);
        var lastDay = DateOnly.MinValue;
        var sequence = 0;
        foreach (var opening in openings)
        {
            var day = DateOnly.FromDateTime(opening.CreatedAt);
            sequence = day == lastDay ? sequence + 1 : 1;
            lastDay = day;
            AddCase(opening, $"CS-{day:yyMMdd}-{sequence:D3}");
        }

        return (_cases, _messages);
    }

    private CaseOpening AboutOrder(PlacedOrder order)
    {
        var raisedAfter = _random.Days(0.05, 20);
        var room = options.AnchorTime - order.PlacedAt;
        var createdAt = SeedTime.WholeSeconds(order.PlacedAt + (raisedAfter < room ? raisedAfter : room * _random.Double(0.1, 0.9)));
        return new CaseOpening(order.Customer, _random.PickWeighted(CaseScripts.AboutOrders), order.Number, order.AlbumTitle, createdAt);
    }

    private CaseOpening Standalone(CustomerProfile customer)
    {
        var from = customer.JoinedAt > options.HistoryStart ? customer.JoinedAt : options.HistoryStart;
        var createdAt = _random.Between(from, options.AnchorTime);
        return new CaseOpening(
            customer, _random.PickWeighted(CaseScripts.Standalone), "", catalog.AlbumInStoreAt(_random, createdAt).Row.Title, createdAt);
    }

    private void AddCase(CaseOpening opening, string number)
    {
        var script = opening.Script;
        var (subject, description) = _random.Pick(script.Openings);
        var mood = _random.PickWeighted(script.Moods);
        var priority = _random.PickWeighted(PriorityByMood[mood]);
        var status = Status(options.AnchorTime - opening.CreatedAt);
        var resolvedAt = status is DbValues.CaseResolved or DbValues.CaseClosed
            ? opening.CreatedAt + _random.Hours(2, Math.Max(2.5, Math.Min((options.AnchorTime - opening.CreatedAt).TotalHours * 0.9, 240)))
            : (DateTime?)null;
        var assignee = status == DbValues.CasePending && _random.Chance(0.5) ? null : Assignee(priority);
        var caseId = _random.NextGuid();
        var firstMessage = Fill(description, opening);
        var lastMessageAt = AddConversation(caseId, opening, script, firstMessage, status, assignee, resolvedAt);
        _cases.Add(new CaseRow(
            caseId,
            number,
            opening.Customer.Id,
            Fill(subject, opening),
            firstMessage,
            script.Category,
            priority,
            status,
            assignee?.UserId,
            mood,
            UrgencyScore(priority),
            mood == "angry" ? $"Customer is angry: answer personally within the hour. {script.Suggestion}" : script.Suggestion,
            opening.CreatedAt,
            resolvedAt,
            resolvedAt is { } resolved && resolved > lastMessageAt ? resolved : lastMessageAt));
    }

    /// <summary>
    /// The customer's message, then (once someone works on it) a reply, maybe an internal note and a follow-up from the
    /// customer, and a closing message for finished cases; all between opening and resolution (or the anchor).
    /// </summary>
    private DateTime AddConversation(
        Guid caseId, CaseOpening opening, CaseScript script, string firstMessage, string status, UserRow? assignee, DateTime? resolvedAt)
    {
        var steps = new List<(Guid? Author, string Text, bool Internal)>();
        if (assignee is not null && status != DbValues.CasePending)
        {
            steps.Add((assignee.UserId, _random.Pick(script.Replies), false));
        }

        if (assignee is not null && _random.Chance(0.35))
        {
            steps.Add((assignee.UserId, _random.Pick(CaseScripts.InternalNotes), true));
        }

        if (status != DbValues.CasePending && _random.Chance(0.5))
        {
            steps.Add((null, _random.Pick(CaseScripts.CustomerFollowUps), false));
        }

        if (resolvedAt is not null && assignee is not null)
        {
            steps.Add((assignee.UserId, CaseScripts.Closing, false));
        }

        _messages.Add(new CaseMessageRow(_random.NextGuid(), caseId, null, firstMessage, false, true, opening.CreatedAt));
        var end = resolvedAt ?? options.AnchorTime.AddMinutes(-1);
        var span = end > opening.CreatedAt ? end - opening.CreatedAt : TimeSpan.Zero;
        var times = steps.Select(_ => opening.CreatedAt + (span * _random.Double(0.05, 1))).Order().ToList();
        for (var i = 0; i < steps.Count; i++)
        {
            var (author, text, isInternal) = steps[i];
            _messages.Add(new CaseMessageRow(
                _random.NextGuid(), caseId, author, text, isInternal, author is null, SeedTime.WholeSeconds(times[i])));
        }

        return times.Count > 0 ? SeedTime.WholeSeconds(times[^1]) : opening.CreatedAt;
    }

    private string Status(TimeSpan age) => age.TotalDays switch
    {
        > 14 => _random.Chance(0.75) ? DbValues.CaseClosed : DbValues.CaseResolved,
        >= 3 => _random.PickWeighted(RecentStatuses),
        _ => _random.Chance(0.45) ? DbValues.CasePending : DbValues.CaseInProgress,
    };

    /// <summary>Critical cases go to a manager; the rest mostly to the clerks.</summary>
    private UserRow Assignee(string priority) =>
        priority == "critical" || _random.Chance(0.2) ? _random.Pick(staff.Managers) : _random.Pick(staff.Clerks);

    private int UrgencyScore(string priority) => priority switch
    {
        "critical" => _random.Int(85, 100),
        "high" => _random.Int(65, 84),
        "medium" => _random.Int(35, 64),
        _ => _random.Int(5, 34),
    };

    private static string Fill(string template, CaseOpening opening) =>
        template.Replace("{order}", opening.OrderNumber, StringComparison.Ordinal)
            .Replace("{album}", opening.AlbumTitle, StringComparison.Ordinal);

    private sealed record CaseOpening(CustomerProfile Customer, CaseScript Script, string OrderNumber, string AlbumTitle, DateTime CreatedAt);
}
