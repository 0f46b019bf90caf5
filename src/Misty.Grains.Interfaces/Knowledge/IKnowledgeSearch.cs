namespace Misty.Grains.Interfaces.Knowledge;

/// <summary>
/// Finds passages by meaning and by words (hybrid retrieval) over staff documents, albums, resolved case replies and
/// reviews, and answers questions from them with citations. The HTTP API, case triage and the agent tools all call it.
/// </summary>
public interface IKnowledgeSearch
{
    /// <summary>
    /// The best <paramref name="take"/> items for <paramref name="query"/>, limited to <paramref name="kinds"/> (all when
    /// empty), the query read as <paramref name="syntax"/> says.
    /// </summary>
    Task<IReadOnlyList<KnowledgeHit>> SearchAsync(
        string query, int take, IReadOnlyCollection<string> kinds, QuerySyntax syntax = QuerySyntax.Plain, CancellationToken cancellationToken = default);

    /// <summary>An extractive answer: the passages that answer best, the answering sentence marked, each cited.</summary>
    Task<KnowledgeAnswer> AskAsync(string question, CancellationToken cancellationToken = default);

    /// <summary>The best <paramref name="take"/> items for <paramref name="question"/>, each with its best passage whole, for a language model to answer from.</summary>
    Task<IReadOnlyList<KnowledgePassage>> PassagesAsync(string question, int take, CancellationToken cancellationToken = default);
}

/// <summary>How a search's text is read.</summary>
public enum QuerySyntax
{
    /// <summary>Every word ranks, and quotes and minus signs are just characters: a question, or a customer's message.</summary>
    Plain,

    /// <summary>Web search's operators: a quoted phrase must appear in a result, a word or phrase after a minus must not.</summary>
    Web,
}

/// <summary>The kinds of indexed items, as they appear in search results.</summary>
public static class KnowledgeKinds
{
    public const string Document = "document";
    public const string Album = "album";
    public const string Case = "case";
    public const string Review = "review";

    public static readonly IReadOnlyList<string> All = [Document, Album, Case, Review];
}

/// <summary>The kinds of staff documents.</summary>
public static class DocumentKinds
{
    public static readonly IReadOnlyList<string> All = ["faq", "policy", "guide", "note"];
}

/// <summary>One found item: its kind and id, its title, the passage that matched best, and the fused score.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeHit(string Kind, Guid Id, string Title, string Snippet, double Score);

/// <summary>One found item and its best passage, whole.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgePassage(string Kind, Guid Id, string Title, string Text);

[GenerateSerializer, Immutable]
public sealed record KnowledgeCitation(string Kind, Guid Id, string Title, string Snippet);

/// <summary>The answer text (answering sentences marked with **), and the sources it was taken from; never an invented one.</summary>
[GenerateSerializer, Immutable]
public sealed record KnowledgeAnswer(string Answer, IReadOnlyList<KnowledgeCitation> Citations)
{
    public const string NothingFound = "Nothing in the knowledge base answers this question.";
}
