using Misty.Grains.Agents;
using Misty.Grains.Interfaces.Agents;
using Misty.Web.Agents;

namespace Misty.Tests.Agents;

[Trait("Category", "Unit")]
public sealed class AgentRulesTests
{
    [Theory]
    [InlineData("staff", "inventory:read", null)]
    [InlineData("staff", "inventory:write", null)]
    [InlineData("staff", "payments:write", "manager role")]
    [InlineData("staff", "replenishment:write", "manager role")]
    [InlineData("manager", "payments:write", null)]
    [InlineData("manager", "inventory:admin", "Unknown scope")]
    [InlineData("manager", "warehouse:read", "Unknown scope")]
    [InlineData("manager", "inventory", "Unknown scope")]
    [InlineData("manager", "inventory:read:write", "Unknown scope")]
    public void The_role_bounds_the_scopes_and_unknown_scopes_are_refused(string role, string scope, string? refusal)
    {
        var reason = AgentScopes.Refusal(role, [scope]);
        if (refusal is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.Contains(refusal, reason);
        }
    }

    [Fact]
    public void Write_does_not_imply_read()
    {
        Assert.True(AgentScopes.Allows(["orders:write"], "orders", write: true));
        Assert.False(AgentScopes.Allows(["orders:write"], "orders", write: false));
    }

    [Fact]
    public void The_default_policy_holds_large_restocks_adjustments_cancellations_refunds_and_large_reorders()
    {
        var policy = new ApprovalPolicy(new ApprovalOptions());
        Assert.Null(policy.ReasonToHold("restock_album", new Dictionary<string, object?> { ["quantity"] = 50 }));
        Assert.NotNull(policy.ReasonToHold("restock_album", new Dictionary<string, object?> { ["quantity"] = 51 }));
        Assert.NotNull(policy.ReasonToHold("adjust_stock", new Dictionary<string, object?> { ["delta"] = -1 }));
        Assert.NotNull(policy.ReasonToHold("cancel_order", new Dictionary<string, object?>()));
        Assert.NotNull(policy.ReasonToHold("refund_payment", new Dictionary<string, object?>()));
        Assert.Null(policy.ReasonToHold("approve_reorder", new Dictionary<string, object?> { ["totalValue"] = 500m }));
        Assert.NotNull(policy.ReasonToHold("approve_reorder", new Dictionary<string, object?> { ["totalValue"] = 500.01m }));
        Assert.Null(policy.ReasonToHold("reply_to_case", new Dictionary<string, object?>()));
        // A line without a price has no known worth: held; a line not found (no worth looked up) runs, to answer not found.
        Assert.Contains("not known", policy.ReasonToHold("approve_reorder", new Dictionary<string, object?> { ["totalValue"] = null }));
        Assert.Null(policy.ReasonToHold("approve_reorder", new Dictionary<string, object?> { ["reorderId"] = "x" }));
    }

    [Fact]
    public void A_word_from_a_list_is_matched_in_any_case_and_anything_else_is_an_error_naming_the_field()
    {
        var input = new ToolInput();
        Assert.Equal("pending", input.OneOf("status", " Pending ", ["pending", "approved"]));
        Assert.Null(input.OneOf("priority", null, ["high"]));
        Assert.True(input.IsValid);
        Assert.Null(input.OneOf("status", "pending'; DROP TABLE reorder_queue;--", ["pending"]));
        Assert.False(input.IsValid);
        Assert.Contains("status", ToolJson.Serialize(Assert.Single(input.Errors)));
    }

    [Fact]
    public void Configuration_changes_the_thresholds()
    {
        var policy = new ApprovalPolicy(new ApprovalOptions { RestockUnitsAbove = 5, HoldRefunds = false });
        Assert.NotNull(policy.ReasonToHold("restock_album", new Dictionary<string, object?> { ["quantity"] = 6 }));
        Assert.Null(policy.ReasonToHold("refund_payment", new Dictionary<string, object?>()));
    }

    [Fact]
    public void History_is_trimmed_from_the_oldest_turn_and_keeps_the_newest()
    {
        var at = DateTimeOffset.UnixEpoch;
        var turns = Enumerable.Range(0, 10).Select(i => new AgentChatTurn("user", new string((char)('a' + i), 400), at)).ToList();
        var kept = ChatHistoryBudget.Trim(turns, maxTokens: 350);
        Assert.Equal(3, kept.Count);
        Assert.Equal(turns[^3..], kept);
        Assert.Single(ChatHistoryBudget.Trim([new AgentChatTurn("user", new string('x', 10_000), at)], maxTokens: 10));
    }

    [Fact]
    public void Tool_input_refuses_bad_ids_oversized_text_control_characters_and_unknown_choices()
    {
        var input = new ToolInput();
        input.Id("albumId", "1' OR '1'='1");
        input.Id("orderId", Guid.Empty.ToString());
        input.Text("reason", new string('x', 501), 500);
        input.OptionalText("notes", "box\u0000 2", 500);
        input.Number("quantity", 0, 1, 10);
        input.Choice<Misty.Grains.Interfaces.Cases.CaseStatus>("status", "deleted", required: false);
        Assert.False(input.IsValid);
        Assert.Equal(6, input.Errors.Count);

        var good = new ToolInput();
        Assert.Equal(Misty.Grains.Interfaces.Cases.CaseStatus.InProgress, good.Choice<Misty.Grains.Interfaces.Cases.CaseStatus>("status", "in_progress", required: true));
        Assert.Equal("a note", good.Text("notes", "  a note ", 20));
        Assert.True(good.IsValid);
    }
}
