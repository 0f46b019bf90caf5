using Microsoft.Extensions.AI;
using Misty.Grains.Interfaces.Knowledge;
using Misty.Web.Agents;

namespace Misty.Web.Knowledge;

/// <summary>
/// Answers a staff question (POST /api/knowledge/ask): with the configured chat model, an answer grounded in the
/// retrieved passages that cites them (<see cref="GroundedAnswer"/>); without one, or when the model fails, the
/// extractive answer. Agents' ask_knowledge stays extractive: the agent is itself the model and does its own grounding.
/// </summary>
public sealed class KnowledgeAssistant(IKnowledgeSearch search, AgentRunner runner, ILogger<KnowledgeAssistant> logger)
{
    /// <summary>How many items' passages the model is given.</summary>
    public const int Sources = 5;

    /// <summary>How long staff wait for the model before they get the extractive answer instead.</summary>
    public static readonly TimeSpan ModelTimeout = TimeSpan.FromSeconds(30);

    public async Task<KnowledgeAnswer> AskAsync(string question, CancellationToken cancellationToken)
    {
        if (await runner.ActiveModelAsync(cancellationToken) is not { } model
            || await search.PassagesAsync(question, Sources, cancellationToken) is not { Count: > 0 } sources)
        {
            return await search.AskAsync(question, cancellationToken);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ModelTimeout);
            var reply = await runner.ClientFor(model).GetResponseAsync(
                [new ChatMessage(ChatRole.System, GroundedAnswer.Instructions), new ChatMessage(ChatRole.User, GroundedAnswer.Prompt(question, sources))],
                new ChatOptions { Temperature = (float?)model.Temperature }, timeout.Token);
            if (!string.IsNullOrWhiteSpace(reply.Text))
            {
                return GroundedAnswer.Read(reply.Text, sources);
            }

            logger.LogWarning("The model {Provider}/{Model} gave an empty answer; answering extractively.", model.Provider, model.ModelName);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The model is a service outside Misty (failed, or too slow): staff still get the passages that answer.
            logger.LogWarning(ex, "The model {Provider}/{Model} failed; answering extractively.", model.Provider, model.ModelName);
        }

        return await search.AskAsync(question, cancellationToken);
    }
}
