using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Cases;
using Misty.Web.Api;
using Misty.Web.Dashboard;
using Misty.Web.Security;
using CaseProblem = Misty.Web.Api.EitherProblem<Misty.Web.Api.NotFoundProblem, Misty.Web.Api.ConflictProblem>;

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
        cases.MapPost("", CreateAsync).AcceptsIdempotencyKey().WithName("openCase")
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("Opens a case for a customer (web form or staff); the description is the customer's first message, triaged at once.");
        cases.MapGet("/{caseId:guid}", GetAsync).WithName("getCase")
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("One case with its messages (staff: with internal notes, history, SLA clocks and the AI's suggestion).");
        cases.MapGet("", ListAsync).WithName("listCases")
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("Lists cases from the case rows, newest first, by status, priority, assignee (a user id, 'me' or 'none') and customer.");
        cases.MapPost("/{caseId:guid}/messages", AddMessageAsync).AcceptsIdempotencyKey().WithName("addCaseMessage")
            .RequireAuthorization(MistyPolicies.Storefront)
            .WithSummary("Adds a message: from the customer (storefront), a staff reply, or an internal note (isInternal).");
        cases.MapPost("/{caseId:guid}/assign", AssignAsync).WithName("assignCase")
            .RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Assigns the case to a staff member, or (automatic) to the one with the fewest open cases.");
        cases.MapPost("/{caseId:guid}/status", ChangeAsync).WithName("changeCase")
            .RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Changes the status (pending, in_progress, resolved, closed), and optionally the priority and category.");
        cases.MapPost("/{caseId:guid}/suggestion", ReviewSuggestionAsync).WithName("reviewCaseSuggestion")
            .RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Accepts the AI's reply draft (sends it), sends an edited version, or dismisses the suggestion.");
        // The mail gateway calls with a staff token (a system account): an email can name any customer.
        routes.MapPost("/api/inbound/email", InboundEmailAsync).WithName("receiveInboundEmail")
            .WithTags("Cases")
            .RequireAuthorization(MistyPolicies.Staff)
            .WithSummary("Continues the case whose number the email quotes (same customer), or opens a new case from it.");
        return routes;
    }

    private static async Task<Results<CreatedEither<CaseResponse, CustomerCaseResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> CreateAsync(HttpRequest http, CreateCaseRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var staff = Callers.IsStaff(user);
        if (!CustomerAccess.TryActFor(user, request.CustomerId, out var customerId))
        {
            return CustomerAccess.NotFound(request.CustomerId);
        }

        var errors = new FieldErrors();
        errors.Check(customerId is { } id && id != Guid.Empty, "customerId", "The customer the case is for is required.");
        var subject = errors.RequiredText(request.Subject, "subject", MaxSubjectLength);
        var description = errors.RequiredText(request.Description, "description", MaxMessageLength);
        var category = QueryValues.Enum<CaseCategory>(request.Category, "category", errors);
        var priority = QueryValues.Enum<CasePriority>(request.Priority, "priority", errors);
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
            CaseResult.Ok => staff
                ? Either.Created<CaseResponse, CustomerCaseResponse>($"/api/cases/{caseId}", CaseResponse.From(outcome.Case!))
                : Either.Created<CaseResponse, CustomerCaseResponse>($"/api/cases/{caseId}", CustomerCaseResponse.From(outcome.Case!)),
            CaseResult.UnknownCustomer => Problems.Field("customerId", outcome.Detail!),
            _ => Problems.Conflict("The case cannot change that way.", outcome.Detail),
        };
    }

    private static async Task<Results<OkEither<CaseResponse, CustomerCaseResponse>, NotFoundProblem>> GetAsync(Guid caseId, Guid? customerId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var staff = Callers.IsStaff(user);
        if (!CustomerAccess.TryActFor(user, customerId, out var acting))
        {
            return NotFound(caseId);
        }

        var view = await grains.GetGrain<ICaseGrain>(caseId).GetAsync(includeInternal: staff);
        return view is not null && (staff || view.CustomerId == acting) ? Present(view, staff) : NotFound(caseId);
    }

    private static async Task<Results<OkEither<CasePage<CaseSummary>, CasePage<CustomerCaseSummary>>, ValidationProblem, NotFoundProblem>>
        ListAsync(
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
            .Check(pageSize is null or (>= 1 and <= PageParameters.MaxPageSize), "pageSize", $"A whole number from 1 to {PageParameters.MaxPageSize}.");
        var (assignee, unassigned) = Assignee(assignedTo, user, errors);
        var query = new CaseQuery(QueryValues.Enum<CaseStatus>(status, "status", errors), QueryValues.Enum<CasePriority>(priority, "priority", errors),
            assignee, unassigned, acting, page ?? 1, pageSize ?? PageParameters.DefaultPageSize);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var found = await directory.ListAsync(query, cancellationToken);
        return staff
            ? Either.Ok<CasePage<CaseSummary>, CasePage<CustomerCaseSummary>>(found)
            : Either.Ok<CasePage<CaseSummary>, CasePage<CustomerCaseSummary>>(
                new CasePage<CustomerCaseSummary>([.. found.Items.Select(CustomerCaseSummary.From)], found.Page, found.PageSize, found.Total));
    }

    private static async Task<Results<OkEither<CaseResponse, CustomerCaseResponse>, ValidationProblem, CaseProblem>> AddMessageAsync(
        Guid caseId, HttpRequest http, AddCaseMessageRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var staff = Callers.IsStaff(user);
        var errors = new FieldErrors();
        var text = errors.RequiredText(request.Message, "message", MaxMessageLength);
        if (!CustomerAccess.TryActFor(user, request.CustomerId, out var acting))
        {
            return Missing(caseId);
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
            return Missing(caseId);
        }

        var messageId = key is null ? Guid.NewGuid() : StableIds.From($"{Callers.Id(user)}\ncase-message\n{caseId}\n{key}");
        var kind = !staff ? CaseMessageKind.Customer : request.IsInternal == true ? CaseMessageKind.Note : CaseMessageKind.Reply;
        var outcome = await grain.AddMessageAsync(new CaseMessageRequest(messageId, kind, text!, Callers.StaffUserId(user), request.WaitingOnCustomer ?? true));
        return outcome.Result == CaseResult.Ok ? Present(outcome.Case!, staff) : Refused(outcome, caseId);
    }

    private static async Task<Results<Ok<CaseResponse>, ValidationProblem, CaseProblem>> AssignAsync(Guid caseId, AssignCaseRequest request, ClaimsPrincipal user, IGrainFactory grains)
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
            CaseResult.UnknownAssignee => Problems.Field("assignedTo", outcome.Detail!),
            _ => Refused(outcome, caseId),
        };
    }

    private static async Task<Results<Ok<CaseResponse>, ValidationProblem, CaseProblem>> ChangeAsync(Guid caseId, ChangeCaseRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new FieldErrors()
            .Check(request.Status is not null || request.Priority is not null || request.Category is not null, "status",
                "Give a status, a priority or a category to change.");
        var update = new CaseUpdate(QueryValues.Enum<CaseStatus>(request.Status, "status", errors), QueryValues.Enum<CasePriority>(request.Priority, "priority", errors),
            QueryValues.Enum<CaseCategory>(request.Category, "category", errors), Callers.StaffUserId(user));
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var outcome = await grains.GetGrain<ICaseGrain>(caseId).UpdateAsync(update);
        return outcome.Result == CaseResult.Ok ? TypedResults.Ok(CaseResponse.From(outcome.Case!)) : Refused(outcome, caseId);
    }

    private static async Task<Results<Ok<CaseResponse>, ValidationProblem, CaseProblem>> ReviewSuggestionAsync(Guid caseId, ReviewSuggestionRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var decision = QueryValues.Enum<SuggestionDecision>(request.Action, "action", errors);
        errors.Check(request.Action is not null, "action", $"Required: one of {string.Join(", ", SchemaNames.All<SuggestionDecision>())}.");
        var edited = decision == SuggestionDecision.Edit ? errors.RequiredText(request.Message, "message", MaxMessageLength) : null;
        errors.Check(decision == SuggestionDecision.Edit || request.Message is null, "message", "Only with action edit: the reply as edited.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var review = new SuggestionReview(decision!.Value, edited, Callers.StaffUserId(user) ?? Guid.Empty, Guid.NewGuid());
        var outcome = await grains.GetGrain<ICaseGrain>(caseId).ReviewSuggestionAsync(review);
        return outcome.Result == CaseResult.Ok ? TypedResults.Ok(CaseResponse.From(outcome.Case!)) : Refused(outcome, caseId);
    }

    private static async Task<Results<Created<CaseResponse>, Ok<CaseResponse>, ValidationProblem, CaseProblem, UnprocessableProblem>>
        InboundEmailAsync(
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
            return Problems.Unprocessable(
                "No customer has this email address.",
                $"{sender} is not a customer's address, so the email cannot become a case; forward it to a person.");
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

    /// <summary>Staff see the whole case; the storefront the customer's view of it (no internal notes, staff or AI fields).</summary>
    private static OkEither<CaseResponse, CustomerCaseResponse> Present(CaseView view, bool staff) =>
        staff ? Either.Ok<CaseResponse, CustomerCaseResponse>(CaseResponse.From(view)) : Either.Ok<CaseResponse, CustomerCaseResponse>(CustomerCaseResponse.From(view));

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

    private static string? IdempotencyKey(HttpRequest http, FieldErrors errors) => Idempotency.KeyOf(http, errors) is { Length: > 0 } key ? key : null;


    private static CaseProblem Refused(CaseOutcome outcome, Guid caseId) =>
        outcome.Result == CaseResult.NotFound ? NotFound(caseId) : Problems.Conflict("The case cannot change that way.", outcome.Detail);

    private static CaseProblem Missing(Guid caseId) => NotFound(caseId);

    private static NotFoundProblem NotFound(Guid caseId) => Problems.NotFound("No such case.", $"Case {caseId} does not exist.");

}
