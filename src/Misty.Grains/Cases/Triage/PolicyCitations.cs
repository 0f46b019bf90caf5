using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Misty.Grains.Interfaces.Knowledge;

namespace Misty.Grains.Cases.Triage;

/// <summary>
/// Finds the staff document passage a case's reply draft relies on, through the knowledge assistant, and cites it in the
/// suggestion. A node without the knowledge assistant (a headless silo), a slow search or a failed one leaves the
/// suggestion uncited: the triage never waits more than <see cref="Timeout"/> and never fails because of it.
/// </summary>
public sealed partial class PolicyCitations(IServiceProvider services, ILogger<PolicyCitations> logger)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<TriageResult> CiteAsync(TriageResult triage, string text)
    {
        if (services.GetService<IKnowledgeSearch>() is not { } search || string.IsNullOrWhiteSpace(text))
        {
            return triage;
        }

        try
        {
            using var cancel = new CancellationTokenSource(Timeout);
            // Off the grain's scheduler: embedding the text is CPU work that must not hold the grain's thread.
            var hits = await Task.Run(() => search.SearchAsync(text, 1, [KnowledgeKinds.Document], QuerySyntax.Plain, cancel.Token), cancel.Token).WaitAsync(Timeout);
            return hits is [var hit, ..]
                ? triage with { Suggestion = triage.Suggestion.Citing(new KnowledgeCitation(hit.Kind, hit.Id, hit.Title, hit.Snippet)) }
                : triage;
        }
        catch (Exception exception)
        {
            LogNotCited(exception);
            return triage;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The case suggestion was left without a policy citation: the knowledge search did not answer.")]
    private partial void LogNotCited(Exception exception);
}
