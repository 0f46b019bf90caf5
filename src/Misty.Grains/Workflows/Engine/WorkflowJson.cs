using System.Text.Json;

namespace Misty.Grains.Workflows.Engine;

/// <summary>How runs' inputs, step results and the execution log are written: the API's camelCase JSON.</summary>
public static class WorkflowJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
