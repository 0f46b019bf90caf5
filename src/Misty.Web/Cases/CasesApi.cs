using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Web.Api;
using Misty.Web.Dashboard;
using Misty.Web.Reservations;
using Misty.Web.Security;

namespace Misty.Web.Cases;

/// <summary>
/// Customer-service cases. Staff see and change everything. A storefront acts for one customer at a time, the one whose
/// X-Customer-Token it sends (<see cref="CustomerAccess"/>): it opens cases and writes messages for that customer, and
/// sees only that customer's cases (others are 404, as if they did not exist), never internal notes, staff or AI fields.
/// </summary>
public static class CasesApi
{
    /// <summary>cases.subject is varchar(300).</summary>
    public const int MaxSubjectLength = 300;
    public const int MaxMessageLength = 10_000;
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    private const int MaxKeyLength = 200;
    private const string Unassigned = "none";
    private const string Myself = "me";

    /// <summary>The rows behind the lists, and the dashboard's open cases (rows too, so only with a database).</summary>
    public static IServiceCollection AddCasesWeb(this IServiceCollection services)
    {
        services.AddSingleton<CaseDirectory>();
        return services.AddDashboardEvent<CaseChanged, OpenCasesSection>(MistyStreams.Cases);
    }

    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder routes)
    {
        var cases = routes.MapGroup("/api/cases").WithTags("Cases");
        cases.MapPost("", CreateAsync)
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("Opens a case for a customer (web form or staff); the description is the customer's first message, triaged at once.")
            .Produces<CaseResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem();
        cases.MapGet("/{caseId:guid}", GetAsync)
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("One case with its messages (staff: with internal notes, history, SLA clocks and the AI's suggestion).")
            .Produces<CaseResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        cases.MapGet("", ListAsync)
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("Lists cases from the case rows, newest first, by status, priority, assignee (a user id, 'me' or 'none') and customer.")
            .Produces<CasePage<CaseSummary>>()
            .ProducesValidationProblem();
        cases.MapPost("/{caseId:guid}/messages", AddMessageAsync)
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("Adds a message: from the customer (storefront), a staff reply, or an internal note (isInternal).")
            .Produces<CaseResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        cases.MapPost("/{caseId:guid}/assign", AssignAsync)
            .RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Assigns the case to a staff member, or (automatic) to the one with the fewest open cases.")
            .Produces<CaseResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        cases.MapPost("/{caseId:guid}/status", ChangeAsync)
            .RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Changes the status (pending, in_progress, resolved, closed), and optionally the priority and category.")
            .Produces<CaseResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        cases.MapPost("/{caseId:guid}/suggestion", ReviewSuggestionAsync)
            .RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Accepts the AI's reply draft (sends it), sends an edited version, or dismisses the suggestion.")
            .Produces<CaseResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        // The mail gateway calls with a staff token (a system account): an email can name any customer.
        routes.MapPost("/api/inbound/email", InboundEmailAsync)
            .WithTags("Cases")
            .RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Continues the case whose number the email quotes (same customer), or opens a new case from it.")
            .Produces<CaseResponse>(StatusCodes.Status201Created)
            .Produces<CaseResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpRequest http, CreateCaseRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var staff = Callers.IsStaff(user);
        if (!CustomerAccess.TryActFor(user, request.CustomerId, out var customerId))
        {
            return CustomerAccess.NotFound(request.CustomerId);
        }

        var errors = new FieldErrors();
        errors.Check(customerId is { } id && id != Guid.Empty, "customerId", "The customer the case is for is required.");
        var subject = RequiredText(request.Subject, "subject", MaxSubjectLength, errors);
        var description = RequiredText(request.Description, "description", MaxMessageLength, errors);
        var category = Optional<CaseCategory>(request.Category, "category", errors);
        var priority = Optional<CasePriority>(request.Priority, "priority", errors);
        errors.Check(staff || request.Priority is null, "priority", "Staff and the triage set the priority, not the storefront.");
        var key = IdempotencyKey(http, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        // With an Idempotency-Key, a retried request reaches the same case and gets the same answer.
        var caseId = key is null ? Guid.NewGuid() : StableIds.From($"{Callers.Id(user)}\ncase\n{key}");
        var openingId = key is null ? Guid.NewGuid() : StableIds.From($"{Callers.Id(user)}\ncase-opening\n{key}");
        var outcome = await grains.GetGrain<ICaseGrain>(caseId)
            .OpenAsync(new OpenCaseRequest(customerId!.Value, subject!, description!, category, priority, Callers.StaffUserId(user), openingId));
        return outcome.Result switch
        {
            CaseResult.Ok => TypedResults.Created($"/api/cases/{caseId}", Present(outcome.Case!, staff)),
            CaseResult.UnknownCustomer => new FieldErrors().Add("customerId", outcome.Detail!).ToProblem(),
            _ => Refused(outcome),
        };
    }

    private static async Task<IResult> GetAsync(Guid caseId, Guid? customerId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var staff = Callers.IsStaff(user);
        if (!CustomerAccess.TryActFor(user, customerId, out var acting))
        {
            return NotFound(caseId);
        }

        var view = await grains.GetGrain<ICaseGrain>(caseId).GetAsync(includeInternal: staff);
        return view is not null && (staff || view.CustomerId == acting) ? TypedResults.Ok(Present(view, staff)) : NotFound(caseId);
    }

    private static async Task<IResult> ListAsync(
        string? status, string? priority, string? assignedTo, Guid? customerId, int? page, int? pageSize, ClaimsPrincipal user,
        CaseDirectory directory, CancellationToken cancellationToken)
    {
        var staff = Callers.IsStaff(user);
        if (!CustomerAccess.TryActFor(user, customerId, out var acting))
        {
            return CustomerAccess.NotFound(customerId);
        }

        var errors = new FieldErrors();
        errors.Check(staff || assignedTo is null, "assignedTo", "Only staff filter by assignee.")
            .Check(page is null or >= 1, "page", "A whole number of at least 1.")
            .Check(pageSize is null or (>= 1 and <= MaxPageSize), "pageSize", $"A whole number from 1 to {MaxPageSize}.");
        var (assignee, unassigned) = Assignee(assignedTo, user, errors);
        var query = new CaseQuery(Optional<CaseStatus>(status, "status", errors), Optional<CasePriority>(priority, "priority", errors),
            assignee, unassigned, acting, page ?? 1, pageSize ?? DefaultPageSize);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var found = await directory.ListAsync(query, cancellationToken);
        return staff
            ? TypedResults.Ok(found)
            : TypedResults.Ok(new CasePage<CustomerCaseSummary>([.. found.Items.Select(CustomerCaseSummary.From)], found.Page, found.PageSize, found.Total));
    }

    private static async Task<IResult> AddMessageAsync(
        Guid caseId, HttpRequest http, AddCaseMessageRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var staff = Callers.IsStaff(user);
        var errors = new FieldErrors();
        var text = RequiredText(request.Message, "message", MaxMessageLength, errors);
        if (!CustomerAccess.TryActFor(user, request.CustomerId, out var acting))
        {
            return NotFound(caseId);
        }

        errors.Check(staff || request.IsInternal != true, "isInternal", "Only staff write internal notes.")
            .Check(request.WaitingOnCustomer is null || (staff && request.IsInternal != true), "waitingOnCustomer", "Only for a staff reply.");
        var key = IdempotencyKey(http, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var grain = grains.GetGrain<ICaseGrain>(caseId);
        if (!staff && (await grain.GetAsync(includeInternal: false))?.CustomerId != acting)
        {
            return NotFound(caseId);
        }

        var messageId = key is null ? Guid.NewGuid() : StableIds.From($"{Callers.Id(user)}\ncase-message\n{caseId}\n{key}");
        var kind = !staff ? CaseMessageKind.Customer : request.IsInternal == true ? CaseMessageKind.Note : CaseMessageKind.Reply;
        var outcome = await grain.AddMessageAsync(new CaseMessageRequest(messageId, kind, text!, Callers.StaffUserId(user), request.WaitingOnCustomer ?? true));
        return outcome.Result == CaseResult.Ok ? TypedResults.Ok(Present(outcome.Case!, staff)) : Refused(outcome, caseId);
    }

    private static async Task<IResult> AssignAsync(Guid caseId, AssignCaseRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var automatic = request.Automatic == true;
        var errors = new FieldErrors()
            .Check(automatic != (request.AssignedTo is not null), "assignedTo", "Give either a staff member's user id or automatic: true.")
            .Check(request.AssignedTo != Guid.Empty, "assignedTo", "Not a user id.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var outcome = await grains.GetGrain<ICaseGrain>(caseId).AssignAsync(new CaseAssignment(automatic ? null : request.AssignedTo, Callers.StaffUserId(user)));
        return outcome.Result switch
        {
            CaseResult.Ok => TypedResults.Ok(CaseResponse.From(outcome.Case!)),
            CaseResult.UnknownAssignee => new FieldErrors().Add("assignedTo", outcome.Detail!).ToProblem(),
            _ => Refused(outcome, caseId),
        };
    }

    private static async Task<IResult> ChangeAsync(Guid caseId, ChangeCaseRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new FieldErrors()
            .Check(request.Status is not null || request.Priority is not null || request.Category is not null, "status",
                "Give a status, a priority or a category to change.");
        var update = new CaseUpdate(Optional<CaseStatus>(request.Status, "status", errors), Optional<CasePriority>(request.Priority, "priority", errors),
            Optional<CaseCategory>(request.Category, "category", errors), Callers.StaffUserId(user));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var outcome = await grains.GetGrain<ICaseGrain>(caseId).UpdateAsync(update);
        return outcome.Result == CaseResult.Ok ? TypedResults.Ok(CaseResponse.From(outcome.Case!)) : Refused(outcome, caseId);
    }

    private static async Task<IResult> ReviewSuggestionAsync(Guid caseId, ReviewSuggestionRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var decision = Optional<SuggestionDecision>(request.Action, "action", errors);
        errors.Check(request.Action is not null, "action", $"Required: one of {string.Join(", ", SchemaNames.All<SuggestionDecision>())}.");
        var edited = decision == SuggestionDecision.Edit ? RequiredText(request.Message, "message", MaxMessageLength, errors) : null;
        errors.Check(decision == SuggestionDecision.Edit || request.Message is null, "message", "Only with action edit: the reply as edited.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var review = new SuggestionReview(decision!.Value, edited, Callers.StaffUserId(user) ?? Guid.Empty, Guid.NewGuid());
        var outcome = await grains.GetGrain<ICaseGrain>(caseId).ReviewSuggestionAsync(review);
        return outcome.Result == CaseResult.Ok ? TypedResults.Ok(CaseResponse.From(outcome.Case!)) : Refused(outcome, caseId);
    }

    private static async Task<IResult> InboundEmailAsync(
        InboundEmailRequest request, IGrainFactory grains, CaseDirectory directory, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var sender = InboundEmail.SenderAddress(request.From);
        errors.Check(sender is not null, "from", "The sender's email address is required.")
            .Check(!string.IsNullOrWhiteSpace(request.Text), "text", "The email's text is required.")
            .Check(request.MessageId is null || request.MessageId.Trim().Length is > 0 and <= 998, "messageId", "A Message-ID of at most 998 characters.");
        var text = string.IsNullOrWhiteSpace(request.Text) ? "" : InboundEmail.WithoutQuotedReply(request.Text);
        errors.Check(text.Length <= MaxMessageLength, "text", $"At most {MaxMessageLength} characters once quoted replies are cut off.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await directory.FindCustomerByEmailAsync(sender!, cancellationToken) is not { } customerId)
        {
            return TypedResults.Problem(
                title: "No customer has this email address.",
                detail: $"{sender} is not a customer's address, so the email cannot become a case; forward it to a person.",
                statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        // A redelivered email (same Message-ID) reaches the same case and message, and is stored once.
        var messageKey = request.MessageId?.Trim() ?? Guid.NewGuid().ToString();
        var messageId = StableIds.From($"inbound-email\nmessage\n{messageKey}");
        var subject = request.Subject?.Trim() ?? "";
        if (InboundEmail.CaseNumber(subject, request.Text!) is { } number &&
            await directory.FindByNumberAsync(number, cancellationToken) is { } found && found.CustomerId == customerId)
        {
            var continued = await grains.GetGrain<ICaseGrain>(found.CaseId)
                .AddMessageAsync(new CaseMessageRequest(messageId, CaseMessageKind.Customer, text, null, WaitingOnCustomer: false));
            return continued.Result == CaseResult.Ok ? TypedResults.Ok(CaseResponse.From(continued.Case!)) : Refused(continued, found.CaseId);
        }

        var caseId = StableIds.From($"inbound-email\ncase\n{messageKey}");
        var opened = await grains.GetGrain<ICaseGrain>(caseId).OpenAsync(new OpenCaseRequest(
            customerId, subject.Length == 0 ? "(no subject)" : subject[..Math.Min(subject.Length, MaxSubjectLength)], text, null, null, null, messageId));
        return opened.Result == CaseResult.Ok ? TypedResults.Created($"/api/cases/{caseId}", CaseResponse.From(opened.Case!)) : Refused(opened, caseId);
    }

    private static object Present(CaseView view, bool staff) => staff ? CaseResponse.From(view) : CustomerCaseResponse.From(view);

    /// <summary>"me", "none" or a user id.</summary>
    private static (Guid? AssignedTo, bool Unassigned) Assignee(string? value, ClaimsPrincipal user, FieldErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, false);
        }

        if (text == Unassigned)
        {
            return (null, true);
        }

        var id = text == Myself ? Callers.StaffUserId(user) : Guid.TryParse(text, out var parsed) ? parsed : null;
        errors.Check(id is not null, "assignedTo", "A user id, 'me' or 'none'.");
        return (id, false);
    }

    private static TEnum? Optional<TEnum>(string? value, string field, FieldErrors errors) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (SchemaNames.TryParse<TEnum>(value, out var parsed))
        {
            return parsed;
        }

        errors.Add(field, $"One of {string.Join(", ", SchemaNames.All<TEnum>())}.");
        return null;
    }

    private static string? RequiredText(string? value, string field, int maxLength, FieldErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, "Required, and not blank.");
            return null;
        }

        errors.Check(text.Length <= maxLength, field, $"At most {maxLength} characters.");
        return text;
    }

    private static string? IdempotencyKey(HttpRequest http, FieldErrors errors)
    {
        var key = http.Headers[ReservationsApi.IdempotencyHeader].ToString();
        errors.Check(key.Length <= MaxKeyLength && !key.Any(char.IsControl), ReservationsApi.IdempotencyHeader,
            $"Optional: 1 to {MaxKeyLength} printable characters, unique per request.");
        return key.Length == 0 ? null : key;
    }

    private static IResult Refused(CaseOutcome outcome, Guid? caseId = null) => outcome.Result switch
    {
        CaseResult.NotFound when caseId is { } id => NotFound(id),
        _ => TypedResults.Problem(title: "The case cannot change that way.", detail: outcome.Detail, statusCode: StatusCodes.Status409Conflict),
    };

    private static IResult NotFound(Guid caseId) =>
        TypedResults.Problem(title: "No such case.", detail: $"Case {caseId} does not exist.", statusCode: StatusCodes.Status404NotFound);
}
