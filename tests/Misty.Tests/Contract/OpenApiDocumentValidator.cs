using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Misty.Tests.Contract;

/// <summary>One HTTP exchange as a client saw it.</summary>
/// <param name="RequestValid">False for a request sent wrong on purpose: then only the answer is checked.</param>
public sealed record Exchange(
    string Method, string Path, string? RequestContentType, string? RequestBody, IReadOnlyDictionary<string, string> RequestHeaders,
    int Status, string? ResponseContentType, string ResponseBody, bool RequestValid);

/// <summary>
/// Checks exchanges against an OpenAPI 3.1 document: the operation exists, the answer's status is declared, its content
/// type is one declared for that status and its body matches the schema; a request's required headers and query
/// parameters are there and its JSON body matches the request schema. Schemas are JSON Schema 2020-12 (OpenAPI 3.1),
/// evaluated with JsonSchema.Net; formats (uuid, date-time, email) are asserted.
/// </summary>
public sealed class OpenApiDocumentValidator
{
    private readonly JsonObject _document;
    private readonly JsonObject _definitions;
    private readonly List<(Regex Pattern, string Template)> _paths;
    private readonly EvaluationOptions _evaluation = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    public OpenApiDocumentValidator(string documentJson)
    {
        _document = JsonNode.Parse(documentJson)!.AsObject();
        _definitions = Rewritten(_document["components"]?["schemas"] ?? new JsonObject())!.AsObject();
        _paths = [.. _document["paths"]!.AsObject().Select(path => path.Key)
            .Select(template => (new Regex("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$"), template))];
    }

    /// <returns>Every departure of <paramref name="exchange"/> from the document; empty when it conforms.</returns>
    public IReadOnlyList<string> Check(Exchange exchange)
    {
        var name = $"{exchange.Method} {exchange.Path} -> {exchange.Status}";
        var template = _paths.Where(path => path.Pattern.IsMatch(exchange.Path.Split('?')[0])).Select(path => path.Template)
            .OrderBy(path => path.Count(c => c == '{')).FirstOrDefault();
        if (template is null || _document["paths"]![template]![exchange.Method.ToLowerInvariant()] is not JsonObject operation)
        {
            return [$"{name}: no such operation in the document"];
        }

        List<string> problems = [];
        if (exchange.RequestValid)
        {
            CheckRequest(operation, exchange, name, problems);
        }

        var status = exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation["responses"]?[status] is not JsonObject response)
        {
            problems.Add($"{name}: status {status} is not declared (declared: {string.Join(", ", operation["responses"]!.AsObject().Select(r => r.Key))})");
            return problems;
        }

        if (exchange.ResponseBody.Length == 0)
        {
            if (response["content"] is JsonObject { Count: > 0 })
            {
                problems.Add($"{name}: declared with a body, answered without one");
            }

            return problems;
        }

        var mediaType = exchange.ResponseContentType?.Split(';')[0].Trim();
        if (mediaType is null || response["content"]?[mediaType] is not JsonObject media)
        {
            problems.Add($"{name}: content type {mediaType} is not declared for {status}");
            return problems;
        }

        // A text answer (a CSV report) is checked as the string it is.
        var json = mediaType.EndsWith("json", StringComparison.Ordinal) ? exchange.ResponseBody : JsonSerializer.Serialize(exchange.ResponseBody);
        problems.AddRange(Evaluate(media["schema"], json).Select(error => $"{name}: answer {error}"));
        return problems;
    }

    private void CheckRequest(JsonObject operation, Exchange exchange, string name, List<string> problems)
    {
        var query = exchange.Path.Contains('?') ? exchange.Path[(exchange.Path.IndexOf('?') + 1)..] : "";
        foreach (var parameter in operation["parameters"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var parameterName = parameter["name"]!.GetValue<string>();
            var required = parameter["required"]?.GetValue<bool>() == true;
            var present = parameter["in"]!.GetValue<string>() switch
            {
                "header" => exchange.RequestHeaders.ContainsKey(parameterName),
                "query" => query.Split('&').Any(pair => pair.Split('=')[0] == parameterName),
                _ => true,
            };
            if (required && !present)
            {
                problems.Add($"{name}: required {parameter["in"]} parameter {parameterName} was not sent");
            }
        }

        if (exchange.RequestBody is { Length: > 0 } body)
        {
            if (operation["requestBody"]?["content"]?["application/json"] is not JsonObject media)
            {
                problems.Add($"{name}: sent a body the operation does not declare");
                return;
            }

            problems.AddRange(Evaluate(media["schema"], body).Select(error => $"{name}: request {error}"));
        }
        else if (operation["requestBody"]?["required"]?.GetValue<bool>() == true)
        {
            problems.Add($"{name}: the request body is required");
        }
    }

    private IEnumerable<string> Evaluate(JsonNode? schemaNode, string json)
    {
        if (schemaNode is null)
        {
            return [];
        }

        var root = Rewritten(schemaNode)!.AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = _definitions.DeepClone();
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var schema = JsonSchema.Build(JsonDocument.Parse(root.ToJsonString()).RootElement, options, new Uri($"https://misty.test/contract/{Guid.NewGuid():N}"));
        using var instance = JsonDocument.Parse(json);
        var results = schema.Evaluate(instance.RootElement, _evaluation);
        return results.IsValid
            ? []
            : (results.Details ?? []).Where(detail => detail.Errors is { Count: > 0 })
                .SelectMany(detail => detail.Errors!.Select(error => $"at '{detail.InstanceLocation}' ({detail.EvaluationPath}): {error.Value}"))
                .DefaultIfEmpty("does not match its schema")
                .Take(10);
    }

    /// <summary>A copy whose references to #/components/schemas/X point at #/$defs/X, where the check keeps them.</summary>
    private static JsonNode? Rewritten(JsonNode node) =>
        JsonNode.Parse(node.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal));
}
