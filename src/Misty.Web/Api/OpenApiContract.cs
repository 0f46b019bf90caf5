using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Misty.Web.Security;

namespace Misty.Web.Api;

/// <summary>
/// The OpenAPI document (/openapi/v1.json) a storefront generates its client from. Handlers declare their answers
/// with typed results; this adds what the pipeline around them does to every request: who may call (security
/// schemes per operation, 401/403), the rate limits (429), unreadable bodies (400/413/415), the Idempotency-Key
/// header, stable operation ids, and schemas that say what the JSON really is.
/// </summary>
public static class OpenApiContract
{
    public const string BearerScheme = "bearer";
    public const string ApiKeyScheme = "apiKey";
    private const string ProblemSchema = "ProblemDetails";
    private const string ProblemJson = "application/problem+json";

    public static IServiceCollection AddMistyOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            // Free JSON (a tool's arguments, audit metadata) is described where it is used, not as a shared "JsonElement"
            // type: generated clients would otherwise get a class of that name, clashing with System.Text.Json's.
            options.CreateSchemaReferenceId = type =>
                (Nullable.GetUnderlyingType(type.Type) ?? type.Type) == typeof(System.Text.Json.JsonElement) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddSchemaTransformer(SchemaTransforms.ApplyAsync);
            options.AddOperationTransformer(TransformOperationAsync);
            options.AddDocumentTransformer(TransformDocumentAsync);
        });

    private static Task TransformDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Misty",
            Version = "1",
            Description = "The operations server of a vinyl record store: catalogue, stock, reservations, orders, customers and cases. " +
                          "Staff and agents send a bearer token (POST /api/auth/login); the storefront sends its key in X-Api-Key, and " +
                          "acts for a signed-in customer with X-Customer-Token. Every 4xx and 5xx answer is an RFC 9457 problem.",
            License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
        };
        // Relative: the server that serves the document. A URL taken from whoever fetched it would be wrong for the next reader.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The Misty node that serves this document." }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A staff access token from POST /api/auth/login, or an AI agent's key.",
            },
            [ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Api-Key",
                Description = "The storefront's key (a browser key or a server key).",
            },
        };
        var tags = document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Tags?.AsEnumerable() ?? []).Select(tag => tag.Name)
            .Concat(document.Tags?.Select(tag => tag.Name) ?? [])
            .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(tags.Select(tag => new OpenApiTag { Name = tag, Description = $"{tag} of Misty." }));
        foreach (var (name, schema) in document.Components.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            SchemaTransforms.Tidy(schema, []);
            if (name.EndsWith("Request", StringComparison.Ordinal))
            {
                SchemaTransforms.RequiredIsNotNull(schema);
            }
        }

        HashSet<IOpenApiSchema> visited = [];
        foreach (var schema in document.Components.Schemas?.Values ?? [])
        {
            SchemaTransforms.NullableRefsAsOneOf(schema, document.Components.Schemas!, visited);
        }

        return Task.CompletedTask;
    }

    private static async Task TransformOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        // The operation id is the endpoint's name (.WithName): a test holds every operation to having one and a summary.
        operation.Responses ??= [];

        var policies = metadata.OfType<IAuthorizeData>().Select(data => data.Policy).ToList();
        var anonymous = metadata.OfType<IAllowAnonymous>().Any() || policies.Count == 0;
        if (anonymous)
        {
            // Open to anyone (a login, a signed webhook): declared as such rather than left unsaid.
            operation.Security = [];
        }
        else
        {
            var storefront = policies.All(policy => policy is MistyPolicies.Storefront or MistyPolicies.StorefrontServer);
            operation.Security = storefront
                ? [Requirement(BearerScheme, context.Document), Requirement(ApiKeyScheme, context.Document)]
                : [Requirement(BearerScheme, context.Document)];
            await AddProblemAsync(operation, context, StatusCodes.Status401Unauthorized, "No valid credentials were sent.");
            await AddProblemAsync(operation, context, StatusCodes.Status403Forbidden, "The caller may not do this.");
            if (policies.Contains(MistyPolicies.Storefront))
            {
                await AddProblemAsync(operation, context, StatusCodes.Status429TooManyRequests, "Too many requests: retry after Retry-After seconds.");
            }
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            await AddProblemAsync(operation, context, StatusCodes.Status429TooManyRequests, "Too many requests: retry after Retry-After seconds.");
        }

        if (metadata.OfType<IdempotencyKeyMetadata>().FirstOrDefault() is { } idempotency)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Idempotency.Header,
                In = ParameterLocation.Header,
                Required = idempotency.Required,
                Description = $"1 to {Idempotency.MaxKeyLength} printable characters, unique per request: a retry with the same key gets the " +
                              "first attempt's answer and changes nothing again" +
                              (operation.Responses.ContainsKey("422") ? "; the same key with a different request is refused (422)." : "."),
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Idempotency.MaxKeyLength },
            });
        }

        var readsBody = description.ParameterDescriptions.Any(parameter => parameter.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body);
        if (readsBody || operation.Parameters is { Count: > 0 })
        {
            await AddProblemAsync(operation, context, StatusCodes.Status400BadRequest, "A field or parameter is missing or not valid: the problem names it.",
                typeof(HttpValidationProblemDetails));
        }

        if (readsBody)
        {
            await AddProblemAsync(operation, context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.");
            await AddProblemAsync(operation, context, StatusCodes.Status415UnsupportedMediaType, "Send the body as application/json.");
        }

        // Two shapes for one status (staff's and the storefront's view): the generator keeps one; declare both, as a named
        // component ("CaseResponseOrCustomerCaseResponse"), so that generated clients get a stable type for the answer.
        foreach (var shapes in metadata.OfType<IProducesResponseTypeMetadata>()
                     .Where(produces => produces.Type is not null && produces.Type != typeof(void) && produces.ContentTypes.Contains("application/json"))
                     .GroupBy(produces => produces.StatusCode).Where(group => group.Select(produces => produces.Type).Distinct().Count() > 1))
        {
            List<IOpenApiSchema> branches = [];
            List<string> names = [];
            foreach (var type in shapes.Select(produces => produces.Type!).Distinct())
            {
                var name = SchemaName(type);
                if (context.Document!.Components?.Schemas?.ContainsKey(name) != true)
                {
                    context.Document.AddComponent(name, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
                }

                branches.Add(new OpenApiSchemaReference(name, context.Document));
                names.Add(name);
            }

            var union = string.Join("Or", names);
            if (context.Document!.Components?.Schemas?.ContainsKey(union) != true)
            {
                context.Document.AddComponent(union, new OpenApiSchema
                {
                    Description = $"One of {string.Join(", ", names)}: staff's view first, the storefront's second (or the shape the request asked for).",
                    AnyOf = branches,
                });
            }

            var key = shapes.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            operation.Responses[key] = new OpenApiResponse
            {
                Description = ReasonOf(key),
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(union, context.Document) } },
            };
        }

        // One status in two content types (a report as JSON or CSV): the generator keeps the last declared; declare each.
        foreach (var produces in metadata.OfType<IProducesResponseTypeMetadata>().Where(produces => produces.Type is not null && produces.Type != typeof(void)))
        {
            var key = produces.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.TryGetValue(key, out var declared) && declared is OpenApiResponse response)
            {
                response.Content ??= new Dictionary<string, OpenApiMediaType>();
                foreach (var contentType in produces.ContentTypes.Where(contentType => !response.Content.ContainsKey(contentType)))
                {
                    response.Content[contentType] = new OpenApiMediaType { Schema = await SchemaOfAsync(produces.Type!, context, cancellationToken) };
                }

                // JSON first: client generators type the method's answer after the first content type.
                response.Content = response.Content.OrderBy(media => media.Key == "application/json" ? 0 : 1).ToDictionary();
            }
        }

        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter { Schema: OpenApiSchema schema } declared)
            {
                SchemaTransforms.Tidy(schema, []);
                SchemaTransforms.QueryText(declared.Name, schema);
            }
        }

        foreach (var (status, response) in operation.Responses.ToList())
        {
            if (response is OpenApiResponse { } concrete && string.IsNullOrEmpty(concrete.Description))
            {
                concrete.Description = ReasonOf(status);
            }
        }
    }

    /// <summary>An object's schema as a reference to its component (added when missing); anything else inline.</summary>
    private static async Task<IOpenApiSchema> SchemaOfAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
        if (schema.Properties is not { Count: > 0 })
        {
            return schema;
        }

        var name = SchemaName(type);
        if (context.Document!.Components?.Schemas?.ContainsKey(name) != true)
        {
            context.Document.AddComponent(name, schema);
        }

        return new OpenApiSchemaReference(name, context.Document);
    }

    /// <summary>The generator's own naming: CasePage&lt;CaseSummary&gt; is CasePageOfCaseSummary.</summary>
    private static string SchemaName(Type type) =>
        type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Join("And", type.GetGenericArguments().Select(SchemaName)) : type.Name;

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument? document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

    private static async Task AddProblemAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description, Type? type = null)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(type ?? typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, CancellationToken.None);
        var name = type is null ? ProblemSchema : type.Name;
        context.Document!.AddComponent(name, schema);
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = new OpenApiSchemaReference(name, context.Document) } },
        };
    }

    private static string ReasonOf(string status) => status switch
    {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No content",
        "400" => "A field or parameter is missing or not valid: the problem names it.",
        "404" => "Not found (or not the caller's).",
        "409" => "Refused in the current state.",
        "422" => "The Idempotency-Key was used for a different request.",
        "502" => "A service behind Misty (the configured AI model) did not answer.",
        "503" => "Briefly unavailable: retry with the same Idempotency-Key.",
        _ => "Answer " + status,
    };
}
