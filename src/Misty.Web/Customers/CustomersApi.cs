using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Interfaces.Customers;
using Misty.Web.Api;
using Misty.Web.Security;
using Npgsql;

namespace Misty.Web.Customers;

/// <summary>
/// Customers, their interactions, and reviews. Staff see every customer and search them; a storefront caller registers
/// new customers, and acts for an existing one only with that customer's X-Customer-Token (<see cref="CustomerAccess"/>).
/// </summary>
public static class CustomersApi
{
    private const int MaxSummaryLength = 4_000;
    private const int MaxReviewLength = 10_000;
    private const int MaxSearchLength = 300;

    public static IServiceCollection AddCustomersWeb(this IServiceCollection services) => services.AddSingleton<CustomerDirectory>();

    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder routes)
    {
        var customers = routes.MapGroup("/api/customers").WithTags("Customers");
        customers.MapPost("", CreateAsync).RequireAuthorization(MistyPolicies.Storefront).WithName("createCustomer")
            .WithSummary("Registers a customer; the email must be new.");
        customers.MapGet("/{customerId:guid}", GetAsync).RequireAuthorization(MistyPolicies.Storefront).RequireCustomerAccess().WithName("getCustomer")
            .WithSummary("One customer: profile, lifetime value, purchases, preferred genre, status, segment and recent interactions.");
        customers.MapGet("", SearchAsync)
            .RequireAuthorization(MistyPolicies.Staff).WithName("searchCustomers")
            .WithSummary("Searches customers by email or name, optionally by segment, a page at a time.");
        customers.MapPost("/{customerId:guid}/interactions", AddInteractionAsync).RequireAuthorization(MistyPolicies.Storefront).RequireCustomerAccess()
            .WithName("addCustomerInteraction")
            .WithSummary("Records an interaction (email, phone, chat, in_store, online) with the sentiment of its summary.");
        routes.MapPost("/api/reviews", ReviewAsync).WithTags("Customers").RequireAuthorization(MistyPolicies.Storefront).WithName("createReview")
            .WithSummary("A customer's review of an album: rating 1-5 and text; sentiment and verified purchase are derived.");
        return routes;
    }

    private static async Task<Results<Created<CustomerResponse>, ValidationProblem, ConflictProblem>> CreateAsync(CreateCustomerRequest request, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (CustomerSignup.Validate(request.Email, request.FirstName, request.LastName, request.Phone, request.Address, "", errors) is not { } customer)
        {
            return errors.ToProblem();
        }

        var (view, created) = await CustomerSignup.FindOrCreateAsync(grains, customer, Guid.NewGuid());
        return created
            ? TypedResults.Created($"/api/customers/{view.CustomerId}", CustomerResponse.From(view))
            : Problems.Conflict("The email is already registered.", $"Another customer has the email {customer.Email}.");
    }

    private static async Task<Results<Ok<CustomerResponse>, NotFoundProblem>> GetAsync(Guid customerId, IGrainFactory grains) =>
        await grains.GetGrain<ICustomerGrain>(customerId).GetAsync() is { } customer
            ? TypedResults.Ok(CustomerResponse.From(customer))
            : CustomerAccess.NotFound(customerId);

    private static async Task<Results<Ok<CustomerPage>, ValidationProblem>> SearchAsync(
        string? search, string? segment, string? page, string? pageSize, CustomerDirectory directory, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var text = search?.Trim();
        errors.Check(text is null || text.Length <= MaxSearchLength, "search", $"At most {MaxSearchLength} characters.");
        SegmentType? segmentType = null;
        if (!string.IsNullOrEmpty(segment))
        {
            errors.Check(SchemaNames.TryParse(segment, out SegmentType parsed), "segment", $"One of {string.Join(", ", SchemaNames.All<SegmentType>())}.");
            segmentType = parsed;
        }

        var pageNumber = PageParameters.Page(page, errors);
        var size = PageParameters.PageSize(pageSize, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(await directory.SearchAsync(string.IsNullOrEmpty(text) ? null : text, segmentType, pageNumber, size, cancellationToken));
    }

    private static async Task<Results<Created<InteractionResponse>, ValidationProblem, NotFoundProblem>> AddInteractionAsync(Guid customerId, CreateInteractionRequest request, TimeProvider clock, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        var summary = request.Summary?.Trim();
        errors.Check(SchemaNames.TryParse(request.InteractionType, out InteractionType type), "interactionType",
                $"Required: one of {string.Join(", ", SchemaNames.All<InteractionType>())}.")
            .Check(summary is { Length: > 0 and <= MaxSummaryLength }, "summary", $"From 1 to {MaxSummaryLength} characters.")
            .Check(request.InteractionDate is null || request.InteractionDate <= clock.GetUtcNow().AddMinutes(5), "interactionDate", "Not in the future.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var interaction = await grains.GetGrain<ICustomerGrain>(customerId)
            .AddInteractionAsync(new InteractionDraft(type, summary!, request.InteractionDate?.ToUniversalTime()));
        return interaction is null
            ? CustomerAccess.NotFound(customerId)
            : TypedResults.Created($"/api/customers/{customerId}", InteractionResponse.From(customerId, interaction));
    }

    private static async Task<Results<Created<ReviewResponse>, ValidationProblem, NotFoundProblem, ConflictProblem>> ReviewAsync(CreateReviewRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        // Staff name the customer; the storefront writes for the customer of its token.
        if (!CustomerAccess.TryActFor(user, request.CustomerId, out var acting))
        {
            return CustomerAccess.NotFound(request.CustomerId);
        }

        request = request with { CustomerId = acting };
        var errors = new FieldErrors();
        var text = string.IsNullOrWhiteSpace(request.ReviewText) ? null : request.ReviewText.Trim();
        errors.Check(request.CustomerId is { } customer && customer != Guid.Empty, "customerId", "Required.")
            .Check(request.AlbumId is { } album && album != Guid.Empty, "albumId", "Required.")
            .Check(request.Rating is >= 1 and <= 5, "rating", "A whole number from 1 to 5.")
            .Check(text is null || text.Length <= MaxReviewLength, "reviewText", $"At most {MaxReviewLength} characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var outcome = await grains.GetGrain<ICustomerGrain>(request.CustomerId!.Value)
            .AddReviewAsync(new ReviewDraft(request.AlbumId!.Value, request.Rating!.Value, text));
        return outcome.Result switch
        {
            CustomerResult.Ok => TypedResults.Created($"/api/customers/{request.CustomerId}", ReviewResponse.From(outcome.Review!)),
            CustomerResult.NotFound => new FieldErrors().Add("customerId", $"There is no customer {request.CustomerId}.").ToProblem(),
            CustomerResult.UnknownAlbum => new FieldErrors().Add("albumId", $"There is no album {request.AlbumId}.").ToProblem(),
            _ => Problems.Conflict("Already reviewed.", "The customer has reviewed this album already."),
        };
    }
}
