using Misty.Grains.Interfaces.Agents;

namespace Misty.Grains.Agents;

/// <summary>Keeps a conversation within a token budget by dropping its oldest turns.</summary>
public static class ChatHistoryBudget
{
    /// <summary>About four characters a token for English text with common tokenizers; an estimate, not a count.</summary>
    private const int CharactersPerToken = 4;

    public static int EstimateTokens(AgentChatTurn turn) => turn.Text.Length / CharactersPerToken + 4;

    /// <summary>The newest turns whose estimated tokens fit <paramref name="maxTokens"/>; the newest turn is always kept.</summary>
    public static List<AgentChatTurn> Trim(IReadOnlyList<AgentChatTurn> turns, int maxTokens)
    {
        var kept = 0;
        var tokens = 0;
        for (var i = turns.Count - 1; i >= 0; i--)
        {
            tokens += EstimateTokens(turns[i]);
            if (tokens > maxTokens && kept > 0)
            {
                break;
            }

            kept++;
        }

        return [.. turns.Skip(turns.Count - kept)];
    }
}
