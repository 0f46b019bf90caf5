using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Misty.Grains.Infrastructure;

/// <summary>
/// A reminder that is registered before a grain stores a change with work still to follow (rows to project, an outbox
/// to deliver) and removed once that work is done. If the silo dies in between, the reminder activates the grain on
/// another silo, which then finishes the work: nothing waits for someone to touch the grain again.
/// </summary>
public sealed class CatchUpReminder(Grain grain, string name, TimeSpan period, ILogger logger)
{
    private bool _registered;

    public string Name => name;

    /// <summary>Call before storing a change whose after-work is not done yet.</summary>
    public async Task EnsureAsync()
    {
        if (!_registered)
        {
            await grain.RegisterOrUpdateReminder(name, period, period);
            _registered = true;
        }
    }

    /// <summary>
    /// Stores <paramref name="copy"/> as the grain's state, with the reminder registered first: if the silo dies right
    /// after the write, the reminder finishes the after-work elsewhere. A failed write deactivates the grain, whose live
    /// state is then ahead of storage, so that it reloads what was really stored.
    /// </summary>
    public async Task StoreAsync<TState>(IPersistentState<TState> state, TState copy, string subject)
    {
        try
        {
            await EnsureAsync();
            state.State = copy;
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Storing {Subject} failed; reloading from storage.", subject);
            ((IGrainBase)grain).DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Removes the reminder if <paramref name="stillIdle"/> holds once it is found (a write may start meanwhile).</summary>
    public async Task ClearAsync(Func<bool> stillIdle)
    {
        var reminder = await grain.GetReminder(name);
        if (!stillIdle())
        {
            return;
        }

        // From here a new write registers again; if its registration lands first, this older handle no longer matches.
        _registered = false;
        if (reminder is null)
        {
            return;
        }

        try
        {
            await grain.UnregisterReminder(reminder);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Reminder {Reminder} was not removed; it will fire once and find nothing to do.", name);
        }
    }
}
