namespace Misty.Tests.Persistence;

/// <summary>Grains that exist only to exercise the cluster's storage and reminders through the real providers.</summary>
public interface ICounterProbeGrain : IGrainWithGuidKey
{
    Task<int> IncrementAsync();
    Task<int> GetAsync();
}

public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan dueTime, TimeSpan period);
    Task<int> TicksAsync();
    Task StopAsync();
}

[GenerateSerializer, Alias("Misty.Tests.CounterProbeState")]
public sealed class CounterProbeState
{
    [Id(0)] public int Count { get; set; }
}

[GenerateSerializer, Alias("Misty.Tests.ReminderProbeState")]
public sealed class ReminderProbeState
{
    [Id(0)] public int Ticks { get; set; }
}

public sealed class CounterProbeGrain([PersistentState("counter-probe")] IPersistentState<CounterProbeState> state) : Grain, ICounterProbeGrain
{
    public async Task<int> IncrementAsync()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Count);
}

public sealed class ReminderProbeGrain([PersistentState("reminder-probe")] IPersistentState<ReminderProbeState> state)
    : Grain, IReminderProbeGrain, IRemindable
{
    private const string ReminderName = "probe";

    public Task StartAsync(TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public Task<int> TicksAsync() => Task.FromResult(state.State.Ticks);

    public async Task StopAsync() => await this.UnregisterReminder(await this.GetReminder(ReminderName) ?? throw new InvalidOperationException("No reminder."));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Ticks++;
        await state.WriteStateAsync();
    }
}
