using System.Security.Cryptography;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Agents;
using Misty.Grains.Interfaces.Cases;
using Misty.Grains.Workflows.Engine;

namespace Misty.Grains.Workflows.BuiltIn;

/// <summary>
/// Reply drafts for new cases (disabled until an admin enables it, since it needs an AI model): an agent step
/// reads the case and drafts a reply, and the next step files the draft in the case as an internal note for a person to
/// check and send. The built-in agent account may only read (cases, customers, orders, knowledge), so it cannot send;
/// an admin sees it in GET /api/agents and can revoke it, or a run's input may name another agent.
/// </summary>
public sealed class CaseReplyDraftPlan(IGrainFactory grains) : IWorkflowPlan
{
    public const string PlanKey = "case-reply-drafts";
    public const string DraftStep = "draft-reply";
    public const int MaxDraftLength = 4_000;
    public static readonly Guid DrafterAgentId = StableIds.From("misty-agent:case-reply-drafter");
    public static readonly IReadOnlyList<string> DrafterScopes = ["cases:read", "customers:read", "orders:read", "knowledge:read"];

    public string Key => PlanKey;

    public IReadOnlyList<WorkflowStep> Steps => [WorkflowStep.Agent(DraftStep, grains, AskAsync), WorkflowStep.Action("file-draft", FileAsync)];

    private async Task<AgentRunRequest> AskAsync(StepContext context)
    {
        var caseId = CaseOf(context);
        var agentId = context.InputAs<CaseDraftInput>()!.AgentId ?? await EnsureDrafterAsync(context.Clock.GetUtcNow());
        return new AgentRunRequest(agentId,
            $"A customer's case {caseId} is new. Read it with get_case (and the customer's orders with list_orders when it helps), " +
            "then write the reply a staff member could send: specific, kind and short. Answer with the reply's text only; " +
            "you cannot send it, a person will check it first.");
    }

    private async Task<StepResult> FileAsync(StepContext context)
    {
        var caseId = CaseOf(context);
        var draft = context.OutputOf<AgentStepOutput>(DraftStep);
        if (string.IsNullOrWhiteSpace(draft?.Answer))
        {
            return new StepResult("The agent drafted nothing; the case is unchanged.");
        }

        var text = draft.Answer.Trim();
        var note = "Draft reply from the assistant (not sent; check it before sending):\n\n" + (text.Length <= MaxDraftLength ? text : text[..MaxDraftLength] + "…");
        // The note's id comes from the run, so a repeated step files it once.
        var noted = await grains.GetGrain<ICaseGrain>(caseId).AddMessageAsync(
            new CaseMessageRequest(StableIds.From($"case-reply-draft:{context.ExecutionId}"), CaseMessageKind.Note, note, null, false));
        return noted.Result == CaseResult.Ok
            ? new StepResult($"Filed the draft in case {noted.Case!.CaseNumber}.", new { caseId })
            : throw new WorkflowStepException($"Case {caseId} took no note: {noted.Result} {noted.Detail}");
    }

    private static Guid CaseOf(StepContext context) =>
        context.InputAs<CaseDraftInput>() is { CaseId: { } caseId }
            ? caseId
            : throw new WorkflowStepException("The run's input must name the case: {\"caseId\": ...} (a CaseChanged event has it).");

    /// <summary>The built-in drafter account; its key is random and never shown, so nothing can sign in as it.</summary>
    private async Task<Guid> EnsureDrafterAsync(DateTimeOffset now)
    {
        var account = await grains.GetGrain<IAgentRegistryGrain>(0).CreateAsync(DrafterAgentId, "Case reply drafter", "staff", DrafterScopes,
            new AgentKey("built-in", RandomNumberGenerator.GetBytes(32)), now);
        return account.AgentId;
    }
}

/// <param name="AgentId">Another agent account to draft with; null for the built-in drafter.</param>
public sealed record CaseDraftInput(Guid? CaseId, Guid? AgentId);
