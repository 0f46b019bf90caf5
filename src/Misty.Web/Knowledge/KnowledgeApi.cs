using Microsoft.AspNetCore.Http.HttpResults;
using Misty.Grains.Interfaces.Knowledge;
using Misty.Grains.Knowledge;
using Misty.Web.Api;
using Misty.Web.Security;

namespace Misty.Web.Knowledge;

public sealed record DocumentRequest(string? Title, string? Body, string? Kind, IReadOnlyList<string?>? Tags);

public sealed record DocumentCreated(Guid DocumentId);

public sealed record DocumentResponse(Guid DocumentId, string Title, string Body, string Kind, IReadOnlyList<string> Tags, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record SearchResponse(IReadOnlyList<KnowledgeHit> Results);

public sealed record AskRequest(string? Question);

/// <summary>
/// The knowledge assistant: staff documents (written by managers and admins, read by staff), hybrid search over
/// documents, albums, resolved cases and reviews, and answers that cite their sources.
/// </summary>
public static class KnowledgeApi
{
    public const int MaxTitleLength = 300;
    public const int MaxBodyLength = 100_000;
    public const int MaxQueryLength = 1_000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;
    public const int MaxResults = 50;

    public static IServiceCollection AddKnowledgeWeb(this IServiceCollection services) => services.AddSingleton<KnowledgeAssistant>();

    public static IEndpointRouteBuilder MapKnowledgeApi(this IEndpointRouteBuilder routes)
    {
        var knowledge = routes.MapGroup("/api/knowledge").WithTags("Knowledge");
        knowledge.MapPost("/documents", CreateAsync)
            .RequireAuthorization(MistyPolicies.Manager).WithName("createKnowledgeDocument")
            .WithSummary("Adds a staff document (faq, policy, guide, note); it is searchable when the answer returns.");
        knowledge.MapGet("/documents/{documentId:guid}", GetAsync)
            .RequireAuthorization(MistyPolicies.Staff).WithName("getKnowledgeDocument")
            .WithSummary("One staff document.");
        knowledge.MapPut("/documents/{documentId:guid}", UpdateAsync)
            .RequireAuthorization(MistyPolicies.Manager).WithName("updateKnowledgeDocument")
            .WithSummary("Replaces a staff document; re-indexed before the answer returns.");
        knowledge.MapDelete("/documents/{documentId:guid}", DeleteAsync)
            .RequireAuthorization(MistyPolicies.Manager).WithName("deleteKnowledgeDocument")
            .WithSummary("Deletes a staff document and its index entries.");
        knowledge.MapGet("/search", SearchAsync)
            .RequireAuthorization(MistyPolicies.Staff).WithName("searchKnowledge")
            .WithSummary("Hybrid search (meaning and keywords, fused by reciprocal rank) over documents, albums, resolved cases and reviews. With syntax=web, \"a phrase\" in quotes must appear in a result and -word or -\"a phrase\" must not.");
        knowledge.MapPost("/ask", AskAsync)
            .RequireAuthorization(MistyPolicies.Staff).WithName("askKnowledge")
            .WithSummary("An answer with its citations: grounded in the best passages by the configured chat model, which cites them by number; without one, extractive (the best passages, the answering sentence marked **).");
        return routes;
    }

    private static async Task<Results<Created<DocumentCreated>, ValidationProblem>> CreateAsync(
        DocumentRequest request, KnowledgeDocuments documents, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } problem)
        {
            return problem;
        }

        var document = await documents.CreateAsync(request.Title!.Trim(), request.Body!.Trim(), request.Kind!, Tags(request), cancellationToken);
        return TypedResults.Created($"/api/knowledge/documents/{document.DocumentId}", new DocumentCreated(document.DocumentId));
    }

    private static async Task<Results<Ok<DocumentResponse>, NotFoundProblem>> GetAsync(
        Guid documentId, KnowledgeDocuments documents, CancellationToken cancellationToken) =>
        await documents.GetAsync(documentId, cancellationToken) is { } document ? TypedResults.Ok(Response(document)) : DocumentNotFound(documentId);

    private static async Task<Results<Ok<DocumentResponse>, NotFoundProblem, ValidationProblem>> UpdateAsync(
        Guid documentId, DocumentRequest request, KnowledgeDocuments documents, CancellationToken cancellationToken)
    {
        if (Validate(request) is { } problem)
        {
            return problem;
        }

        return await documents.UpdateAsync(documentId, request.Title!.Trim(), request.Body!.Trim(), request.Kind!, Tags(request), cancellationToken) is { } document
            ? TypedResults.Ok(Response(document))
            : DocumentNotFound(documentId);
    }

    private static async Task<Results<NoContent, NotFoundProblem>> DeleteAsync(
        Guid documentId, KnowledgeDocuments documents, CancellationToken cancellationToken) =>
        await documents.DeleteAsync(documentId, cancellationToken) ? TypedResults.NoContent() : DocumentNotFound(documentId);

    private static async Task<Results<Ok<SearchResponse>, ValidationProblem>> SearchAsync(
        string? q, int? k, string? kinds, string? syntax, IKnowledgeSearch search, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(q), "q", "Required: the words or question to search for.")
            .Check(q is null || q.Length <= MaxQueryLength, "q", $"At most {MaxQueryLength} characters.")
            .Check(k is null or (>= 1 and <= MaxResults), "k", $"Between 1 and {MaxResults}.")
            .Check(syntax is null or "plain" or "web", "syntax", "One of plain (the default), web.");
        var wanted = (kinds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        foreach (var kind in wanted.Where(kind => !KnowledgeKinds.All.Contains(kind)))
        {
            errors.Add("kinds", $"'{kind}' is not one of {string.Join(", ", KnowledgeKinds.All)}.");
        }

        if (!errors.IsEmpty)
        {
            return (ValidationProblem)errors.ToProblem();
        }

        var results = await search.SearchAsync(q!.Trim(), k ?? 10, wanted, syntax == "web" ? QuerySyntax.Web : QuerySyntax.Plain, cancellationToken);
        return TypedResults.Ok(new SearchResponse(results));
    }

    private static async Task<Results<Ok<KnowledgeAnswer>, ValidationProblem>> AskAsync(
        AskRequest request, KnowledgeAssistant assistant, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(request.Question), "question", "Required: the question to answer.")
            .Check(request.Question is null || request.Question.Length <= MaxQueryLength, "question", $"At most {MaxQueryLength} characters.");
        if (!errors.IsEmpty)
        {
            return (ValidationProblem)errors.ToProblem();
        }

        return TypedResults.Ok(await assistant.AskAsync(request.Question!.Trim(), cancellationToken));
    }

    private static ValidationProblem? Validate(DocumentRequest request)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(request.Title), "title", "Required.")
            .Check(request.Title is null || request.Title.Trim().Length <= MaxTitleLength, "title", $"At most {MaxTitleLength} characters.")
            .Check(!string.IsNullOrWhiteSpace(request.Body), "body", "Required.")
            .Check(request.Body is null || request.Body.Length <= MaxBodyLength, "body", $"At most {MaxBodyLength} characters.")
            .Check(request.Kind is not null && DocumentKinds.All.Contains(request.Kind), "kind", $"One of {string.Join(", ", DocumentKinds.All)}.")
            .Check(request.Tags is null || request.Tags.Count <= MaxTags, "tags", $"At most {MaxTags} tags.")
            .Check(request.Tags is null || request.Tags.All(tag => !string.IsNullOrWhiteSpace(tag) && tag.Trim().Length <= MaxTagLength),
                "tags", $"Each tag is a non-empty text of at most {MaxTagLength} characters.");
        return errors.IsEmpty ? null : (ValidationProblem)errors.ToProblem();
    }

    private static List<string> Tags(DocumentRequest request) =>
        (request.Tags ?? []).Select(tag => tag!.Trim()).Distinct(StringComparer.Ordinal).ToList();

    private static DocumentResponse Response(KnowledgeDocument document) =>
        new(document.DocumentId, document.Title, document.Body, document.Kind, document.Tags, document.CreatedAt, document.UpdatedAt);

    private static NotFoundProblem DocumentNotFound(Guid documentId) =>
        Problems.NotFound("No such document.", $"There is no knowledge document {documentId}.");
}
