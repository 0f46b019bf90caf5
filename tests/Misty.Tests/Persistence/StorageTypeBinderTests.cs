using Misty.Grains.Interfaces.Orders;
using Misty.Persistence;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace Misty.Tests.Persistence;

[Trait("Category", "Unit")]
public sealed class StorageTypeBinderTests
{
    private sealed record Holder(IReadOnlyList<FraudReason> One, IReadOnlyList<FraudReason> Many, IReadOnlyList<int> Empty);

    [Fact]
    public void State_holding_collection_expression_lists_is_read_back()
    {
        IEnumerable<int> numbers = [1, 2];
        var holder = new Holder([new FraudReason("cash", 0, "Paid in cash")], [.. numbers.Select(n => new FraudReason($"r{n}", n, "d"))], []);
        var plain = new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.All };
        var bound = new JsonSerializerSettings { TypeNameHandling = TypeNameHandling.All, SerializationBinder = new StorageTypeBinder(new DefaultSerializationBinder()) };

        // Without the binder the compiler's list types are written by a name no resolver can find again.
        Assert.Throws<JsonSerializationException>(() => JsonConvert.DeserializeObject<Holder>(JsonConvert.SerializeObject(holder, plain), plain));
        var json = JsonConvert.SerializeObject(holder, bound);
        Assert.DoesNotContain("<>z__", json);
        var read = JsonConvert.DeserializeObject<Holder>(json, bound)!;
        Assert.Equal(holder.One, read.One);
        Assert.Equal(holder.Many, read.Many);
        Assert.Empty(read.Empty);
    }
}
