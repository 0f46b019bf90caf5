using System.Text.RegularExpressions;
using Misty.Grains.Interfaces;
using Misty.Grains.Interfaces.Workflows;

namespace Misty.Grains.Workflows.Triggers;

/// <summary>Which trigger config fits which trigger type; the API and the workflow grain check with the same rules.</summary>
public static partial class TriggerRules
{
    /// <summary>
    /// The namespaces whose all-entities feeds may start runs: the business events. Workflow progress is left out so
    /// that no workflow can start itself in a loop; the metrics ticks are not events anybody acts on.
    /// </summary>
    public static readonly IReadOnlyList<string> EventStreams = [MistyStreams.Stock, MistyStreams.Orders, MistyStreams.Fraud, MistyStreams.Cases];

    private const int MaxTextLength = 500;

    /// <returns>The config with its text trimmed, and the errors by wire field name (none when it is valid).</returns>
    public static (TriggerConfig Config, Dictionary<string, string> Errors) Validate(WorkflowTriggerType type, TriggerConfig config)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var normalized = new TriggerConfig(Trim(config.Cron), Trim(config.TimeZone), Trim(config.Stream), Trim(config.Event), Trim(config.Condition));
        foreach (var (field, value) in Fields(normalized))
        {
            if (value is { Length: > MaxTextLength })
            {
                errors[field] = $"At most {MaxTextLength} characters.";
            }
        }

        switch (type)
        {
            case WorkflowTriggerType.Schedule:
                _ = CronSchedule.TryParse(normalized.Cron, normalized.TimeZone, out var cronError, out var zoneError);
                Add(errors, "triggerConfig.cron", cronError);
                Add(errors, "triggerConfig.timeZone", zoneError);
                break;
            case WorkflowTriggerType.Event:
                if (normalized.Stream is null || !EventStreams.Contains(normalized.Stream, StringComparer.Ordinal))
                {
                    errors["triggerConfig.stream"] = $"Required for an event trigger: one of {string.Join(", ", EventStreams)}.";
                }

                if (normalized.Event is null || !EventName().IsMatch(normalized.Event))
                {
                    errors["triggerConfig.event"] = "Required for an event trigger: the event's name, such as \"LowStock\".";
                }

                _ = EventCondition.TryParse(normalized.Condition, out var conditionError);
                Add(errors, "triggerConfig.condition", conditionError);
                break;
        }

        foreach (var (field, value) in Fields(normalized))
        {
            if (value is not null && !Applies(type, field))
            {
                errors.TryAdd(field, $"Does not apply to a {type.ToString().ToLowerInvariant()} trigger.");
            }
        }

        return (normalized, errors);
    }

    private static bool Applies(WorkflowTriggerType type, string field) => (type, field) switch
    {
        (WorkflowTriggerType.Schedule, "triggerConfig.cron" or "triggerConfig.timeZone") => true,
        (WorkflowTriggerType.Event, "triggerConfig.stream" or "triggerConfig.event" or "triggerConfig.condition") => true,
        _ => false,
    };

    private static IEnumerable<(string Field, string? Value)> Fields(TriggerConfig config) =>
    [
        ("triggerConfig.cron", config.Cron),
        ("triggerConfig.timeZone", config.TimeZone),
        ("triggerConfig.stream", config.Stream),
        ("triggerConfig.event", config.Event),
        ("triggerConfig.condition", config.Condition),
    ];

    private static void Add(Dictionary<string, string> errors, string field, string? error)
    {
        if (error is not null)
        {
            errors.TryAdd(field, error);
        }
    }

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex EventName();
}
