using Microsoft.Extensions.Logging;

namespace Misty.Grains.Infrastructure;

/// <summary>Plugs a grain's <see cref="IPersistentState{TState}"/> into its <see cref="StatePipeline{TState, TEvent}"/>.</summary>
public static class PersistentStatePipeline
{
    /// <summary>The store step: the copy becomes the persistent state (which keeps the stored version) and is written.</summary>
    public static Func<TState, Task> Writer<TState>(this IPersistentState<TState> state) => copy =>
    {
        state.State = copy;
        return state.WriteStateAsync();
    };

    /// <summary>
    /// The pipeline of a state with nothing to announce, project or deliver: it stores copies of the live state and,
    /// after a failed write, refuses further writes until the grain has reloaded.
    /// </summary>
    public static StatePipeline<TState, object> StoreOnly<TState>(this IPersistentState<TState> state, Grain grain, ILogger logger, string subject)
        where TState : class =>
        new(grain, state.State, new() { Write = state.Writer() }, logger, subject);
}
