using System.Collections;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Misty.Grains.Agents;
using Misty.Grains.Cases;
using Misty.Grains.Customers;
using Misty.Grains.Dashboard;
using Misty.Grains.Inventory;
using Misty.Grains.Orders;
using Misty.Grains.Workflows;
using Orleans.Serialization;

namespace Misty.Tests.Persistence;

/// <summary>
/// The pipeline stores copies made by Orleans' generated deep copier, which copies every field that has an [Id]: a
/// field without one would be dropped from every copy (and from storage's serializer too). These states must never lose one.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StateCopyTests
{
    private static readonly Type[] Copied =
        [typeof(OrderState), typeof(CustomerState), typeof(CaseState), typeof(InventoryState), typeof(ExecutionState), typeof(WorkflowState)];

    public static TheoryData<Type> States => [.. Copied];

    /// <summary>The states above and those of the grains that only store (some hold no scalar to sample).</summary>
    public static TheoryData<Type> AllStates =>
    [
        .. Copied,
        typeof(AgentActionState), typeof(AgentActionIndexState), typeof(AgentAuditState), typeof(AgentRegistryState), typeof(StoredAgent),
        typeof(AgentSessionState), typeof(CaseRouterState), typeof(OrderPartState), typeof(CustomerEmailState), typeof(DashboardMetricsState),
    ];

    private static readonly IServiceProvider Services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(OrderState).Assembly))
        .BuildServiceProvider();

    [Theory]
    [MemberData(nameof(AllStates))]
    public void Every_stored_property_has_an_id(Type state)
    {
        var missing = Stored(state).Where(property => property.GetCustomAttribute<IdAttribute>() is null).Select(property => property.Name).ToList();

        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(States))]
    public void A_copy_holds_every_value_and_shares_no_collection(Type state)
    {
        var original = Activator.CreateInstance(state)!;
        var values = new Dictionary<string, object?>();
        foreach (var property in Stored(state).Where(property => Sample(property.PropertyType) is not null))
        {
            property.SetValue(original, values[property.Name] = Sample(property.PropertyType));
        }

        var copy = Copy(state, original);

        Assert.NotSame(original, copy);
        Assert.NotEmpty(values);
        Assert.All(values, value => Assert.Equal(value.Value, state.GetProperty(value.Key)!.GetValue(copy)));
        Assert.All(Stored(state).Where(property => typeof(IEnumerable).IsAssignableFrom(property.PropertyType) && property.PropertyType != typeof(string)),
            property => Assert.NotSame(property.GetValue(original), property.GetValue(copy)));
    }

    private static IEnumerable<PropertyInfo> Stored(Type state) =>
        state.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite);

    /// <summary>A value other than the type's default, for the scalar types states hold; null for others.</summary>
    private static object? Sample(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(bool) => true,
            _ when underlying == typeof(int) => 7,
            _ when underlying == typeof(long) => 7L,
            _ when underlying == typeof(decimal) => 7.25m,
            _ when underlying == typeof(string) => "sample",
            _ when underlying == typeof(Guid) => Guid.Parse("2f4a5a86-6f63-4a0c-9d1e-3d1f0b1c2a11"),
            _ when underlying == typeof(DateTimeOffset) => new DateTimeOffset(2026, 5, 4, 12, 0, 0, TimeSpan.Zero),
            _ when underlying.IsEnum => Enum.GetValues(underlying).Cast<object>().Last(),
            _ => null,
        };
    }

    private static object Copy(Type state, object original)
    {
        var copier = Services.GetRequiredService(typeof(DeepCopier<>).MakeGenericType(state));
        return copier.GetType().GetMethod(nameof(DeepCopier<object>.Copy))!.Invoke(copier, [original])!;
    }
}
