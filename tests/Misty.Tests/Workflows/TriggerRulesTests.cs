using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows.Triggers;

namespace Misty.Tests.Workflows;

[Trait("Category", "Unit")]
public sealed class TriggerRulesTests
{
    [Fact]
    public void A_schedule_needs_a_cron_expression_and_trims_its_fields()
    {
        var (config, errors) = TriggerRules.Validate(WorkflowTriggerType.Schedule, new TriggerConfig(Cron: " 0 2 * * * ", TimeZone: " Europe/London "));

        Assert.Empty(errors);
        Assert.Equal(new TriggerConfig(Cron: "0 2 * * *", TimeZone: "Europe/London"), config);
        Assert.Contains("triggerConfig.cron", TriggerRules.Validate(WorkflowTriggerType.Schedule, TriggerConfig.None).Errors.Keys);
    }

    [Fact]
    public void An_event_trigger_needs_a_known_stream_and_an_event_name_and_a_readable_condition()
    {
        var errors = TriggerRules.Validate(WorkflowTriggerType.Event, new TriggerConfig(Stream: "weather", Event: "Low Stock", Condition: "available =")).Errors;

        Assert.Equal(["triggerConfig.condition", "triggerConfig.event", "triggerConfig.stream"], errors.Keys.Order());
        Assert.Empty(TriggerRules.Validate(WorkflowTriggerType.Event, new TriggerConfig(Stream: "stock", Event: "LowStock", Condition: "available == 0")).Errors);
    }

    [Fact]
    public void Fields_of_another_trigger_type_are_refused()
    {
        var errors = TriggerRules.Validate(WorkflowTriggerType.Manual, new TriggerConfig(Cron: "0 2 * * *", Event: "LowStock")).Errors;

        Assert.Equal(["triggerConfig.cron", "triggerConfig.event"], errors.Keys.Order());
        Assert.Empty(TriggerRules.Validate(WorkflowTriggerType.Api, TriggerConfig.None).Errors);
    }
}
