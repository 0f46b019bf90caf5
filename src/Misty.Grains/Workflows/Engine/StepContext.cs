using System.Text.Json;

namespace Misty.Grains.Workflows.Engine;

/// <summary>What a step attempt gets: the run it belongs to, the run's input, the stored results of earlier steps.</summary>
public sealed class StepContext(
    Guid executionId,
    Guid workflowId,
    string? input,
    IReadOnlyDictionary<string, string?> outputs,
    TimeProvider clock,
    CancellationToken cancellation)
{
    private readonly List<string> _notes = [];

    public Guid ExecutionId { get; } = executionId;

    public Guid WorkflowId { get; } = workflowId;

    /// <summary>The workflow clock (controllable in tests).</summary>
    public TimeProvider Clock { get; } = clock;

    /// <summary>Signalled when the run is cancelled or its grain deactivates: stop soon.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>What the step asked to add to the execution log, in order.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>The run's input read as <typeparamref name="T"/> (camelCase JSON); default when the run has none.</summary>
    /// <exception cref="WorkflowStepException">The input does not have that shape (not retryable: it will not change).</exception>
    public T? InputAs<T>() => Read<T>(input, "the run's input");

    /// <summary>The stored result of the earlier step <paramref name="step"/>.</summary>
    public T? OutputOf<T>(string step) =>
        outputs.TryGetValue(step, out var output) ? Read<T>(output, $"the result of step '{step}'") : default;

    public void Note(string message) => _notes.Add(message);

    private static T? Read<T>(string? json, string what)
    {
        if (json is null)
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, WorkflowJson.Options);
        }
        catch (JsonException ex)
        {
            throw new WorkflowStepException($"Cannot read {what}: {ex.Message}");
        }
    }
}
