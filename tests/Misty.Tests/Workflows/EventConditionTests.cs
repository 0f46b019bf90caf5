using System.Text.Json;
using Misty.Grains.Interfaces.Inventory;
using Misty.Grains.Workflows.Engine;
using Misty.Grains.Workflows.Triggers;

namespace Misty.Tests.Workflows;

[Trait("Category", "Unit")]
public sealed class EventConditionTests
{
    private static readonly JsonElement LowStockAtZero = JsonSerializer.SerializeToElement(
        new LowStock(Guid.NewGuid(), "SKU-1", 0, 2, 7, DateTimeOffset.UnixEpoch), WorkflowJson.Options);

    [Theory]
    [InlineData(null, true)]
    [InlineData("available == 0", true)]
    [InlineData("available == 1", false)]
    [InlineData("Available <= 0 and reorderPoint > 1", true)]
    [InlineData("available < 0", false)]
    [InlineData("available != 3 AND sku == \"SKU-1\"", true)]
    [InlineData("sku == 'SKU-2'", false)]
    [InlineData("sku >= 'SKU-0'", true)]
    [InlineData("missing == null", true)]
    [InlineData("missing == 0", false)]
    [InlineData("missing != 0", true)]
    [InlineData("available == \"0\"", false)]
    [InlineData("version >= 7.0", true)]
    public void Conditions_hold_on_the_events_json_fields(string? condition, bool holds)
    {
        var parsed = EventCondition.TryParse(condition, out var error);

        Assert.Null(error);
        Assert.Equal(holds, parsed!.Matches(LowStockAtZero));
    }

    [Fact]
    public void Quoted_strings_may_hold_spaces_the_word_and_and_escaped_quotes()
    {
        var item = JsonSerializer.SerializeToElement(new { note = "rock and \"roll\"" });

        Assert.True(EventCondition.TryParse("note == \"rock and \\\"roll\\\"\"", out _)!.Matches(item));
    }

    [Fact]
    public void Nested_fields_are_reached_with_dots()
    {
        var item = JsonSerializer.SerializeToElement(new { order = new { total = 120.5m } });

        Assert.True(EventCondition.TryParse("order.total > 100", out _)!.Matches(item));
        Assert.False(EventCondition.TryParse("order.total.cents > 100", out _)!.Matches(item));
    }

    [Theory]
    [InlineData("available ==")]
    [InlineData("available 0")]
    [InlineData("== 0")]
    [InlineData("available == 0 or sku == 'x'")]
    [InlineData("available == 0 and")]
    [InlineData("available = 0")]
    [InlineData("available == @")]
    [InlineData("available == 'open")]
    public void Malformed_conditions_are_refused_with_the_reason(string condition)
    {
        Assert.Null(EventCondition.TryParse(condition, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
