using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;

namespace Misty.Grains.Infrastructure;

/// <summary>
/// How every grain persists its state: a change is stored (a deep copy of the live state, group-committed where the
/// grain wants it), then the events it announced are published, once and in order, then the stored state's rows are
/// projected and its outbox delivered by a grain timer that does not interleave with the grain's requests, retried
/// with backoff (and, where the grain names one, by a reminder that survives the silo). After a failed write the live
/// state is ahead of storage: every later store fails and the grain deactivates, to reload what was really stored.
/// </summary>
/// <remarks>Runs on the grain's scheduler, so it needs no locks.</remarks>
public sealed class StatePipeline<TState, TEvent>
    where TState : class
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly Grain _grain;
    private readonly StatePipelineSteps<TState, TEvent> _steps;
    private readonly DeepCopier<TState> _copier;
    private readonly ILogger _logger;
    private readonly string _subject;
    private List<TEvent> _announced = [];
    private List<TEvent> _unpublished = [];
    private TaskCompletionSource? _next;
    private bool _writing;
    private bool _publishing;
    private Exception? _failure;
    private IGrainTimer? _timer;
    private bool _armed;
    private TimeSpan _retry = FirstRetry;
    private long _projectedVersion = -1;
    /// <summary>Whether the reminder is registered, as far as this activation knows (null: not known).</summary>
    private bool? _reminderSet;

    public StatePipeline(Grain grain, TState live, StatePipelineSteps<TState, TEvent> steps, ILogger logger, string subject)
    {
        _grain = grain;
        _steps = steps;
        _logger = logger;
        _subject = subject;
        _copier = ((IGrainBase)grain).GrainContext.ActivationServices.GetRequiredService<DeepCopier<TState>>();
        Live = live;
    }

    /// <summary>The state the grain's rules change.</summary>
    public TState Live { get; set; }

    /// <summary>The live state, to answer from: throws while the grain reloads after a failed write (its callers retry).</summary>
    public TState Current
    {
        get
        {
            ThrowIfFailed();
            return Live;
        }
    }

    /// <summary>The last state known to be stored: the only one projected to rows.</summary>
    public TState? Stored { get; private set; }

    /// <summary>Why the last write failed; while set, the grain is reloading and nothing more is stored.</summary>
    public Exception? Failure => _failure;

    /// <summary>Whether the stored state's rows and outbox are all carried out.</summary>
    public bool CaughtUp => Stored is not { } stored
        || ((_steps.Project is null || _projectedVersion >= _steps.Version(stored)) && _steps.Delivered(stored));

    /// <summary>Takes the live state as stored (read at activation): work a crash left undone is carried out again, idempotently.</summary>
    public void Resume()
    {
        Stored = _copier.Copy(Live);
        Kick();
    }

    /// <summary>Goes out after the next write stores every change made before it.</summary>
    public void Announce(TEvent change) => _announced.Add(change);

    /// <summary>Throws when an earlier write failed: the grain is reloading, and its caller should retry.</summary>
    public void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new InvalidOperationException($"Storing {_subject} failed earlier; it is reloading from storage, retry.", _failure);
        }
    }

    /// <summary>Completes once a write holding every change made before this call is stored.</summary>
    public Task StoreAsync()
    {
        if (_failure is not null)
        {
            return Task.FromException(new InvalidOperationException($"Storing {_subject} failed earlier; it is reloading from storage, retry.", _failure));
        }

        if (!_steps.GroupCommit)
        {
            return StoreNowAsync();
        }

        _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stored = _next.Task;
        if (!_writing)
        {
            _ = WriteLoopAsync();
        }

        return stored;
    }

    /// <summary>
    /// Stores a state that its rows already hold (a seeded record taken as found): nothing is left to project, so no
    /// reminder is needed either.
    /// </summary>
    public async Task StoreAsFoundAsync()
    {
        ThrowIfFailed();
        await WriteAsync(asFound: true);
    }

    /// <summary>Projects the stored state's rows again, whatever they hold.</summary>
    /// <returns>False when nothing is stored.</returns>
    public async Task<bool> RebuildAsync()
    {
        if (Stored is not { } stored || _steps.Project is not { } project)
        {
            return false;
        }

        await project(stored, true);
        return true;
    }

    /// <summary>Registers the reminder now, for work of the grain's own (<see cref="StatePipelineSteps{TState, TEvent}.KeepsReminder"/>).</summary>
    public async Task EnsureReminderAsync()
    {
        if (_steps.Reminder is { } name && _reminderSet != true)
        {
            await _grain.RegisterOrUpdateReminder(name, _steps.ReminderPeriod, _steps.ReminderPeriod);
            _reminderSet = true;
        }
    }

    /// <summary>A tick of the pipeline's reminder: resumes the work, or removes the reminder once there is none.</summary>
    public async Task OnReminderAsync()
    {
        if (CaughtUp && !_steps.KeepsReminder())
        {
            await ClearReminderAsync();
        }
        else
        {
            Kick();
        }
    }

    private async Task StoreNowAsync()
    {
        var events = await WriteAsync(asFound: false);
        await PublishAsync(events);
    }

    private async Task WriteLoopAsync()
    {
        _writing = true;
        try
        {
            while (_next is { } batch)
            {
                _next = null;
                IReadOnlyList<TEvent> events;
                try
                {
                    events = await WriteAsync(asFound: false);
                }
                catch (Exception ex)
                {
                    batch.SetException(ex);
                    _next?.SetException(ex);
                    _next = null;
                    return;
                }

                batch.SetResult();
                _unpublished.AddRange(events);
                if (!_publishing && _unpublished.Count > 0)
                {
                    // Callers hear of the write without waiting for its events; the next write need not wait either.
                    _ = PublishLoopAsync();
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }

    /// <summary>Stores a copy of the live state holding every change made so far, and returns the events those changes announced.</summary>
    private async Task<IReadOnlyList<TEvent>> WriteAsync(bool asFound)
    {
        var events = _announced;
        _announced = [];
        TState copy;
        try
        {
            // Registered before the write: if the silo dies right after it, the reminder finishes the work elsewhere.
            if (!asFound)
            {
                await EnsureReminderAsync();
            }

            if (_steps.BeforeWrite is { } beforeWrite)
            {
                await beforeWrite();
            }

            copy = _copier.Copy(Live);
            await _steps.Write(copy);
        }
        catch (Exception ex)
        {
            _failure = ex;
            _logger.LogError(ex, "Storing {Subject} failed; reloading from storage.", _subject);
            ((IGrainBase)_grain).DeactivateOnIdle();
            throw;
        }

        Stored = copy;
        if (asFound)
        {
            _projectedVersion = _steps.Version(copy);
        }

        Kick();
        return events;
    }

    private async Task PublishLoopAsync()
    {
        _publishing = true;
        try
        {
            while (_unpublished.Count > 0)
            {
                var batch = _unpublished;
                _unpublished = [];
                await PublishAsync(batch);
            }
        }
        finally
        {
            _publishing = false;
        }
    }

    private async Task PublishAsync(IReadOnlyList<TEvent> events)
    {
        if (events.Count == 0 || _steps.Publish is not { } publish)
        {
            return;
        }

        try
        {
            await publish(events);
        }
        catch (Exception ex)
        {
            // Subscribers see the gap in versions and re-read the state; the state itself is stored.
            _logger.LogWarning(ex, "Publishing {Count} events of {Subject} failed.", events.Count, _subject);
        }
    }

    /// <summary>Arms the catch-up timer unless it is armed (a retry waiting out its backoff keeps its time).</summary>
    private void Kick()
    {
        if (!_armed && !CaughtUp)
        {
            Arm(_steps.Coalescing);
        }
    }

    private void Arm(TimeSpan due)
    {
        // Not interleaving: the catch-up runs between the grain's requests, never inside one of their awaits.
        _timer ??= ((IGrainBase)_grain).RegisterGrainTimer(CatchUpAsync,
            new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        _timer.Change(due, Timeout.InfiniteTimeSpan);
        _armed = true;
    }

    /// <summary>One round of after-work for the stored state: its rows, then the rest of its outbox.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        _armed = false;
        if (Stored is not { } stored || _failure is not null)
        {
            return;
        }

        try
        {
            var version = _steps.Version(stored);
            if (_steps.Project is { } project && version > _projectedVersion)
            {
                await project(stored, false);
                _projectedVersion = Math.Max(_projectedVersion, version);
            }

            if (_steps.Deliver is { } deliver && !_steps.Delivered(stored))
            {
                await deliver(stored);
            }

            _retry = FirstRetry;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Catching up {Subject} failed; retrying in {Delay}.", _subject, _retry);
            Arm(_retry);
            _retry = TimeSpan.FromTicks(Math.Min(_retry.Ticks * 2, LastRetry.Ticks));
            return;
        }

        if (!CaughtUp)
        {
            // A newer state was stored meanwhile (a reentrant grain), or a delivery left work for the next round.
            Arm(_steps.Coalescing);
        }
        else if (!_steps.KeepsReminder())
        {
            await ClearReminderAsync();
        }
    }

    private async Task ClearReminderAsync()
    {
        if (_steps.Reminder is not { } name || _reminderSet == false)
        {
            return;
        }

        var reminder = await _grain.GetReminder(name);
        if (!CaughtUp || _steps.KeepsReminder())
        {
            // A write started meanwhile: its work needs the reminder.
            return;
        }

        _reminderSet = false;
        if (reminder is null)
        {
            return;
        }

        try
        {
            await _grain.UnregisterReminder(reminder);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "Reminder {Reminder} was not removed; it will fire once and find nothing to do.", name);
        }
    }
}
