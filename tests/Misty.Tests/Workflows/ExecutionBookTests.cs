using Misty.Grains.Interfaces.Workflows;
using Misty.Grains.Workflows;
using Misty.Grains.Workflows.Engine;

namespace Misty.Tests.Workflows;

[Trait("Category", "Unit")]
public sealed class ExecutionBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly RetryPolicy ThreeTimes = new(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));

    private readonly ExecutionState _state = new();
    private readonly ExecutionBook _journal;

    public ExecutionBookTests()
    {
        _journal = new ExecutionBook(_state, maxLogEntries: 10);
        _journal.Start(Guid.NewGuid(), new ExecutionStart(Guid.NewGuid(), "plan", "RUN-00001", "Manual run", WorkflowTriggerType.Manual, "user:1",
            null, null, Now), ["first", "second"], Now);
    }

    [Fact]
    public void A_step_with_nothing_left_to_do_completes_the_run_and_skips_the_rest()
    {
        _journal.BeginAttempt(3, Now);
        _journal.Succeed(new StepResult("nothing to review", EndsRun: true), null, [], Now.AddSeconds(1));

        Assert.Equal((ExecutionStatus.Complete, 100), (_state.Status, _journal.ProgressPercentage));
        Assert.Equal([StepStatus.Done, StepStatus.Skipped], _state.Steps.Select(step => step.Status));
        Assert.Equal(1000, _journal.DurationMs);
    }

    [Fact]
    public void Each_step_result_moves_the_run_on_and_the_last_completes_it_with_each_change_one_version()
    {
        Assert.Equal((ExecutionStatus.Running, 0, 1L), (_state.Status, _journal.ProgressPercentage, _state.Version));

        _journal.BeginAttempt(3, Now);
        _journal.Succeed(new StepResult("first done"), "{\"n\":1}", ["a note"], Now.AddSeconds(1));
        Assert.Equal((ExecutionStatus.Running, 50, 3L, 1), (_state.Status, _journal.ProgressPercentage, _state.Version, _state.CurrentStep));
        Assert.Equal("{\"n\":1}", _journal.Outputs()["first"]);

        _journal.BeginAttempt(3, Now.AddSeconds(2));
        _journal.Succeed(new StepResult("second done"), null, [], Now.AddSeconds(3));

        Assert.Equal((ExecutionStatus.Complete, 100, 5L), (_state.Status, _journal.ProgressPercentage, _state.Version));
        Assert.Equal(3000, _journal.DurationMs);
        Assert.Contains(_state.Log, entry => entry.Message == "a note" && entry.Step == "first");
        Assert.Equal(LogSeverity.Info, _state.Log[^1].Severity);
    }

    [Fact]
    public void A_failed_attempt_is_retried_with_doubling_backoff_then_ends_the_run_with_its_message()
    {
        _journal.BeginAttempt(3, Now);
        Assert.Equal(TimeSpan.FromSeconds(1), _journal.FailAttempt("feed down", retryable: true, ThreeTimes, [], Now));
        Assert.Equal(StepStatus.Retrying, _journal.CurrentStep!.Status);
        _journal.BeginAttempt(3, Now);
        Assert.Equal(TimeSpan.FromSeconds(2), _journal.FailAttempt("feed down", retryable: true, ThreeTimes, [], Now));
        _journal.BeginAttempt(3, Now);

        Assert.Null(_journal.FailAttempt("feed down", retryable: true, ThreeTimes, [], Now));

        Assert.Equal(ExecutionStatus.Error, _state.Status);
        Assert.Equal("Step 'first' failed after 3 attempts: feed down", _state.ErrorMessage);
        Assert.Equal([StepStatus.Failed, StepStatus.Skipped], _state.Steps.Select(step => step.Status));
        Assert.Equal(3, _state.Steps[0].Attempts);
    }

    [Fact]
    public void An_error_marked_not_retryable_ends_the_run_at_the_first_attempt()
    {
        _journal.BeginAttempt(3, Now);

        Assert.Null(_journal.FailAttempt("no such supplier", retryable: false, ThreeTimes, [], Now));

        Assert.Equal("Step 'first' failed (not retryable): no such supplier", _state.ErrorMessage);
        Assert.Equal(1, _state.Steps[0].Attempts);
    }

    [Fact]
    public void A_blocked_run_goes_on_only_when_approved()
    {
        _journal.Block("Sign off the order", Now);
        Assert.Equal((ExecutionStatus.Blocked, StepStatus.Waiting), (_state.Status, _journal.CurrentStep!.Status));
        _journal.BeginAttempt(3, Now);
        Assert.Equal(StepStatus.Waiting, _journal.CurrentStep!.Status);

        Assert.True(_journal.Approve("user:7", "fine", Now));

        Assert.Equal((ExecutionStatus.Running, 1), (_state.Status, _state.CurrentStep));
        Assert.Equal(StepStatus.Approved, _state.Steps[0].Status);
        Assert.Contains("user:7", _state.Steps[0].Output);
        Assert.False(_journal.Approve("user:7", null, Now));
    }

    [Fact]
    public void A_cancelled_run_ends_as_an_error_and_takes_no_further_step()
    {
        _journal.BeginAttempt(3, Now);
        var version = _state.Version;

        Assert.True(_journal.Cancel("user:9", Now));
        _journal.Succeed(new StepResult("too late"), null, [], Now);

        Assert.Equal((ExecutionStatus.Error, "Cancelled by user:9.", version + 1), (_state.Status, _state.ErrorMessage, _state.Version));
        Assert.All(_state.Steps, step => Assert.Equal(StepStatus.Skipped, step.Status));
        Assert.False(_journal.Cancel("user:9", Now));
    }

    [Fact]
    public void An_attempt_left_running_by_a_lost_activation_is_seen_as_interrupted()
    {
        _journal.BeginAttempt(3, Now);

        Assert.True(_journal.WasInterrupted);
        _journal.NoteResumed(Now);
        Assert.False(_journal.WasInterrupted);
        Assert.Equal(StepStatus.Retrying, _journal.CurrentStep!.Status);
        Assert.Contains(_state.Log, entry => entry.Severity == LogSeverity.Warning && entry.Message.Contains("cut short", StringComparison.Ordinal));
    }

    [Fact]
    public void The_log_keeps_only_the_newest_entries_and_counts_the_dropped_ones()
    {
        for (var i = 0; i < 25; i++)
        {
            _journal.Log(Now, LogSeverity.Info, null, $"entry {i} " + new string('x', 2_000));
        }

        Assert.Equal(10, _state.Log.Count);
        Assert.Equal(16, _state.DroppedLogEntries);
        Assert.StartsWith("entry 24 ", _state.Log[^1].Message);
        Assert.Equal(ExecutionBook.MaxMessageLength, _state.Log[^1].Message.Length);
    }
}
