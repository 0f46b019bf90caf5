using System.Runtime.CompilerServices;
using Newtonsoft.Json.Serialization;

namespace Misty.Persistence;

/// <summary>
/// Names the collections that C# collection expressions create for IReadOnlyList&lt;T&gt; and friends (compiler-generated
/// types such as &lt;&gt;z__ReadOnlyList`1, which no type resolver can find again) as List&lt;T&gt; in stored grain state, so
/// a state that holds one can be read back when the grain activates again.
/// </summary>
public sealed class StorageTypeBinder(ISerializationBinder inner) : ISerializationBinder
{
    public Type BindToType(string? assemblyName, string typeName) => inner.BindToType(assemblyName, typeName);

    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName) =>
        inner.BindToName(Readable(serializedType), out assemblyName, out typeName);

    private static Type Readable(Type type)
    {
        if (!type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false))
        {
            return type;
        }

        var element = type.GetInterfaces()
            .FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];
        return element is null ? type : typeof(List<>).MakeGenericType(element);
    }
}
