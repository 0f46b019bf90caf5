using System.Text.Json;
using System.Text.Json.Nodes;
using Misty.Web.Security;

namespace Misty.Web.Api;

/// <summary>
/// A storefront key gets the storefront's part of the OpenAPI document: the operations a key may call and the schemas
/// those use. Staff and agents get the whole document, so the staff API is not mapped out for whoever holds a key.
/// </summary>
public static class StorefrontOpenApi
{
    public const string DocumentPath = "/openapi/v1.json";
    private static readonly HashSet<string> Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    public static IApplicationBuilder UseStorefrontOpenApiSubset(this IApplicationBuilder app) =>
        app.UseWhen(
            http => http.Request.Path == DocumentPath && http.User.Identity?.IsAuthenticated == true && !Callers.IsStaff(http.User),
            branch => branch.Use(async (http, next) =>
            {
                var original = http.Response.Body;
                using var buffer = new MemoryStream();
                http.Response.Body = buffer;
                try
                {
                    await next(http);
                }
                finally
                {
                    http.Response.Body = original;
                }

                buffer.Position = 0;
                if (http.Response.StatusCode != StatusCodes.Status200OK)
                {
                    await buffer.CopyToAsync(original, http.RequestAborted);
                    return;
                }

                var subset = Subset(JsonNode.Parse(buffer)!.AsObject());
                http.Response.ContentLength = null;
                await using var writer = new Utf8JsonWriter(original, new JsonWriterOptions { Indented = true });
                subset.WriteTo(writer);
            }));

    /// <summary>The operations whose security names the storefront key, and the components they reach.</summary>
    public static JsonObject Subset(JsonObject document)
    {
        var paths = document["paths"]!.AsObject();
        foreach (var (path, item) in paths.ToList())
        {
            var operations = item!.AsObject();
            foreach (var (method, operation) in operations.Where(entry => Methods.Contains(entry.Key)).ToList())
            {
                var security = operation?["security"] as JsonArray;
                if (security is null || !security.Any(requirement => requirement is JsonObject names && names.ContainsKey("apiKey")))
                {
                    operations.Remove(method);
                }
            }

            if (!operations.Any(entry => Methods.Contains(entry.Key)))
            {
                paths.Remove(path);
            }
        }

        if (document["components"]?["schemas"] is JsonObject schemas)
        {
            var reached = new HashSet<string>();
            var pending = new Stack<JsonNode?>([paths]);
            while (pending.TryPop(out var node))
            {
                foreach (var name in References(node))
                {
                    if (reached.Add(name) && schemas[name] is { } schema)
                    {
                        pending.Push(schema);
                    }
                }
            }

            foreach (var name in schemas.Select(entry => entry.Key).Where(name => !reached.Contains(name)).ToList())
            {
                schemas.Remove(name);
            }
        }

        return document;
    }

    private static IEnumerable<string> References(JsonNode? node)
    {
        const string Prefix = "#/components/schemas/";
        switch (node)
        {
            case JsonObject members:
                foreach (var (key, value) in members)
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } target && target.StartsWith(Prefix, StringComparison.Ordinal))
                    {
                        yield return target[Prefix.Length..];
                    }
                    else
                    {
                        foreach (var name in References(value))
                        {
                            yield return name;
                        }
                    }
                }

                break;
            case JsonArray items:
                foreach (var name in items.SelectMany(References))
                {
                    yield return name;
                }

                break;
        }
    }
}
