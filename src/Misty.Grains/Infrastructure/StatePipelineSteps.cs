namespace Misty.Grains.Infrastructure;

/// <summary>What a grain plugs into its <see cref="StatePipeline{TState, TEvent}"/>: how its state is stored, announced and projected.</summary>
/// <typeparam name="TState">The grain's state; the pipeline stores deep copies of it (Orleans' generated copier, which copies every field).</typeparam>
/// <typeparam name="TEvent">What the grain announces once a change is stored.</typeparam>
public sealed class StatePipelineSteps<TState, TEvent>
    where TState : class
{
    /// <summary>Stores a copy of the live state (through IPersistentState, or the batched storage directly).</summary>
    public required Func<TState, Task> Write { get; init; }

    /// <summary>Runs just before each write, failing it when it fails (a reminder that must exist whenever the state is stored).</summary>
    public Func<Task>? BeforeWrite { get; init; }

    /// <summary>
    /// Callers that change the state while a write is in flight share the next write, so one storage round trip
    /// acknowledges many changes (only for reentrant grains: a non-reentrant one has one caller at a time).
    /// </summary>
    public bool GroupCommit { get; init; }

    /// <summary>Publishes the events of stored writes, in order; a failure is logged, and subscribers see the gap in versions.</summary>
    public Func<IReadOnlyList<TEvent>, Task>? Publish { get; init; }

    /// <summary>The version of a stored state: rows are projected when it is ahead of the last projected one.</summary>
    public Func<TState, long> Version { get; init; } = _ => 0;

    /// <summary>
    /// Writes the rows of a stored state (idempotent; overwrite: a rebuild, whatever the rows hold) and drops the outbox
    /// entries it wrote from the live state.
    /// </summary>
    public Func<TState, bool, Task>? Project { get; init; }

    /// <summary>Delivers the rest of a stored state's outbox (other grains to tell), dropping what it delivered from the live state.</summary>
    public Func<TState, Task>? Deliver { get; init; }

    /// <summary>Whether nothing of a stored state's outbox waits for <see cref="Deliver"/>.</summary>
    public Func<TState, bool> Delivered { get; init; } = _ => true;

    /// <summary>
    /// A reminder registered before a write that leaves work behind and removed once it is done: if the silo dies in
    /// between, the reminder activates the grain elsewhere to finish it. Without one, the next activation finishes it.
    /// </summary>
    public string? Reminder { get; init; }

    public TimeSpan ReminderPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Work of the grain's own that keeps the reminder (a payment still to charge), besides the pipeline's.</summary>
    public Func<bool> KeepsReminder { get; init; } = () => false;

    /// <summary>How long stored changes gather before their rows follow: a burst of writes is then projected once.</summary>
    public TimeSpan Coalescing { get; init; } = TimeSpan.FromMilliseconds(20);
}
