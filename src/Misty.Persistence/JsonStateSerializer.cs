using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Misty.Persistence;

/// <summary>
/// The JSON of <see cref="BatchedGrainStorage"/>'s states (inventory, reservations), written with System.Text.Json:
/// the same shape as Orleans' Newtonsoft-based serializer writes them (property names as declared, enums as numbers,
/// default values left out, no type names where the declared type says it all), so each reads the other's rows and
/// <c>payloadjson</c> queries see the same fields. These states are written on every reservation and release, where
/// Newtonsoft showed up in the reservation benchmark's profile (docs/benchmarks.md).
/// </summary>
public sealed class JsonStateSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        // Stored, never embedded in a page: '+' of a time zone and non-ASCII text stay as they are, as Newtonsoft writes them.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options) ?? throw new JsonException($"A stored {typeof(T).Name} was null.");
}
