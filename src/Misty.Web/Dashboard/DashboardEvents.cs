namespace Misty.Web.Dashboard;

/// <summary>
/// One kind of stream event that this node forwards to its dashboard clients: events of <see cref="EventType"/> on the
/// streams of <see cref="StreamNamespace"/> reach the clients as the hub method named after the type (the contract name).
/// </summary>
public sealed record DashboardEvent(string StreamNamespace, Type EventType)
{
    public string ClientMethod => EventType.Name;
}

/// <summary>
/// The current state of a dashboard section, shaped as the section's own events (each with its version), so that a
/// client applies the snapshot and the live events the same way.
/// </summary>
public interface IDashboardSection<TEvent>
{
    Task<IReadOnlyList<TEvent>> LoadAsync(CancellationToken cancellationToken);
}

/// <summary>A registered section, without its event type: what the dashboard snapshot reads.</summary>
public sealed record DashboardSection(string EventName, Func<IServiceProvider, CancellationToken, Task<IReadOnlyList<object>>> LoadAsync);

public static class DashboardEventRegistration
{
    /// <summary>Forwards <typeparamref name="TEvent"/> from the <paramref name="streamNamespace"/> streams: one line per feature.</summary>
    public static IServiceCollection AddDashboardEvent<TEvent>(this IServiceCollection services, string streamNamespace)
        where TEvent : class =>
        services.AddSingleton(new DashboardEvent(streamNamespace, typeof(TEvent)));

    /// <summary>
    /// Forwards <typeparamref name="TEvent"/> and adds what <typeparamref name="TSection"/> loads to the dashboard snapshot,
    /// under the event's name.
    /// </summary>
    public static IServiceCollection AddDashboardEvent<TEvent, TSection>(this IServiceCollection services, string streamNamespace)
        where TEvent : class
        where TSection : class, IDashboardSection<TEvent>
    {
        services.AddDashboardEvent<TEvent>(streamNamespace);
        services.AddSingleton<TSection>();
        return services.AddSingleton(new DashboardSection(typeof(TEvent).Name, async (provider, cancellationToken) =>
            [.. await provider.GetRequiredService<TSection>().LoadAsync(cancellationToken)]));
    }
}

/// <summary>The registered events, looked up by stream namespace and the event's runtime type.</summary>
public sealed class DashboardEventMap
{
    private readonly Dictionary<(string Namespace, Type Type), string> _methods;

    public DashboardEventMap(IEnumerable<DashboardEvent> events)
    {
        var all = events.ToList();
        _methods = all.ToDictionary(e => (e.StreamNamespace, e.EventType), e => e.ClientMethod);
        Namespaces = [.. all.Select(e => e.StreamNamespace).Distinct(StringComparer.Ordinal)];
        ClientMethods = [.. all.Select(e => e.ClientMethod).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The namespaces whose all-key feeds every node subscribes to.</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>The event names clients may receive from this node.</summary>
    public IReadOnlyList<string> ClientMethods { get; }

    public bool TryGetClientMethod(string streamNamespace, Type eventType, out string method) =>
        _methods.TryGetValue((streamNamespace, eventType), out method!);
}
