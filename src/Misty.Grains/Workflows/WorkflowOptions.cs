namespace Misty.Grains.Workflows;

/// <summary>Settings of the workflow engine; tests shorten the periods.</summary>
public sealed class WorkflowOptions
{
    /// <summary>
    /// How often a scheduled workflow's reminder wakes it to compare the clock with its next occurrence; an occurrence
    /// closer than this is met exactly by a timer. Also the period of a workflow's catch-up reminder, which finishes its
    /// row and starts its stored runs after a lost silo. Reminders cannot tick faster than Orleans' minimum reminder period.
    /// </summary>
    public TimeSpan ScheduleCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a running run's reminder checks that it is still being worked on, resuming it after a lost silo; an
    /// ended run keeps the same reminder until its row is written and its workflow has counted it.
    /// </summary>
    public TimeSpan ResumeCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The execution log keeps this many of the newest entries.</summary>
    public int MaxLogEntries { get; set; } = 200;

    /// <summary>Whether each silo defines the built-in workflows as it starts (idempotent).</summary>
    public bool DefineBuiltIns { get; set; } = true;
}

/// <summary>
/// The key of the <see cref="TimeProvider"/> the workflow engine reads: the system clock unless a test registers its
/// own under this key. Only the engine's view of time moves, never Orleans' own.
/// </summary>
public static class WorkflowClock
{
    public const string Key = "workflows";
}
