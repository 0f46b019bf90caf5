using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Misty.Web.Api;

/// <summary>
/// Makes each schema say what the JSON is. Text is typed as text even though the NUL-refusing converter
/// (<see cref="NulCharacters"/>) hides the type from the schema generator; numbers are numbers (the server also reads
/// them from strings, a leniency no client needs); money is a decimal; a null allowed beside an object is an anyOf
/// (null matches one branch only when the other is open); and a request record's fields are optional unless marked
/// <see cref="RequiredAttribute"/> (handlers check them and name the missing one, so they bind as nullable).
/// </summary>
internal static class SchemaTransforms
{
    /// <summary>The members of a free JSON object: any value. Shared, so the generator's walk into it is recognised and left alone.</summary>
    private static readonly OpenApiSchema AnyMember = new();

    public static Task ApplyAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(schema, AnyMember))
        {
            return Task.CompletedTask;
        }

        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        var property = context.JsonPropertyInfo;
        if (type == typeof(string) && schema.Type is null && schema.Enum is not { Count: > 0 })
        {
            var nullable = property is not null && (property.IsGetNullable || property.IsSetNullable) && !IsRequiredRequestField(property);
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            if (property?.Name is "email")
            {
                schema.Format = "email";
            }
        }

        if (schema.Type is { } flags && (flags & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (flags & JsonSchemaType.String) != 0)
        {
            schema.Type = flags & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (type == typeof(decimal))
        {
            schema.Format = "decimal";
        }

        // Free JSON is a JSON object (settings, metadata, a tool's arguments) unless the field says it may be any value.
        if (type == typeof(JsonElement) && property?.AttributeProvider?.IsDefined(typeof(AnyJsonValueAttribute), inherit: true) != true)
        {
            // A nullable body is wrapped in oneOf [null, ...] by the generator; a field says null itself.
            var nullable = property is not null && (context.JsonTypeInfo.Type != type || IsNullableValue(property));
            schema.Type = nullable ? JsonSchemaType.Object | JsonSchemaType.Null : JsonSchemaType.Object;
            schema.AdditionalProperties = AnyMember;
        }

        if (type.IsEnum && schema.Type is null)
        {
            schema.Type = JsonSchemaType.String;
        }

        if (property is not null && IsRequiredRequestField(property) && schema.Type is { } required)
        {
            schema.Type = required & ~JsonSchemaType.Null;
        }

        // A nested request record (an order's payment) arrives here as its property's schema, with its own properties.
        if (IsRequest(type) && schema.Properties is { Count: > 0 })
        {
            schema.Required = new HashSet<string>(context.JsonTypeInfo.Properties.Where(IsRequiredRequestField).Select(field => field.Name));
            if (type.GetCustomAttributes<OneOfRequiredAttribute>().ToList() is { Count: > 0 } alternatives)
            {
                schema.AllOf = [.. alternatives.Select(alternative => (IOpenApiSchema)new OpenApiSchema
                {
                    OneOf = [.. alternative.Fields.Select(field => (IOpenApiSchema)new OpenApiSchema { Required = new HashSet<string> { field } })],
                })];
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Structural fixes the generator applies after the schema transformers: a nullable object property is
    /// oneOf [null, ref], where a null also matches an open ref (JsonElement), so it becomes anyOf; an enum that
    /// lists null says so in its type.
    /// </summary>
    public static void Tidy(IOpenApiSchema schema, HashSet<IOpenApiSchema> seen)
    {
        if (schema is not OpenApiSchema concrete || !seen.Add(concrete))
        {
            return;
        }

        if (concrete.OneOf is { Count: 2 } branches && branches.Any(branch => branch is OpenApiSchema { Type: JsonSchemaType.Null }))
        {
            concrete.AnyOf = branches;
            concrete.OneOf = null;
        }

        if (concrete.Enum?.Any(value => value is null) == true && concrete.Type is { } type)
        {
            concrete.Type = type | JsonSchemaType.Null;
        }

        foreach (var child in (concrete.Properties?.Values ?? []).Concat(concrete.AllOf ?? []).Concat(concrete.AnyOf ?? []).Concat(concrete.OneOf ?? [])
                     .Append(concrete.Items).Append(concrete.AdditionalProperties).OfType<IOpenApiSchema>())
        {
            Tidy(child, seen);
        }
    }

    /// <summary>
    /// A nullable reference to a schema that itself refuses null (an object, an enum without null) goes back to oneOf
    /// [null, ref]: exact, since a value matches one branch only, and what client generators read as a nullable property
    /// of that type (NSwag makes an empty class of the anyOf). Open schemas and enums listing null keep anyOf.
    /// </summary>
    public static void NullableRefsAsOneOf(IOpenApiSchema schema, IDictionary<string, IOpenApiSchema> components, HashSet<IOpenApiSchema> seen)
    {
        if (schema is not OpenApiSchema concrete || !seen.Add(concrete))
        {
            return;
        }

        if (concrete.AnyOf is { Count: 2 } branches && branches.Any(branch => branch is OpenApiSchema { Type: JsonSchemaType.Null })
            && branches.OfType<OpenApiSchemaReference>().FirstOrDefault()?.Reference.Id is { } id
            && components.TryGetValue(id, out var target) && target is OpenApiSchema { Type: { } type } && !type.HasFlag(JsonSchemaType.Null))
        {
            concrete.OneOf = branches;
            concrete.AnyOf = null;
        }

        foreach (var child in (concrete.Properties?.Values ?? []).Concat(concrete.AllOf ?? []).Concat(concrete.AnyOf ?? []).Concat(concrete.OneOf ?? [])
                     .Append(concrete.Items).Append(concrete.AdditionalProperties).OfType<IOpenApiSchema>())
        {
            NullableRefsAsOneOf(child, components, seen);
        }
    }

    /// <summary>A required request field may not be null either: anyOf [null, X] becomes X.</summary>
    public static void RequiredIsNotNull(IOpenApiSchema schema)
    {
        if (schema is not OpenApiSchema { Properties: { } properties, Required: { } required })
        {
            return;
        }

        foreach (var name in required.Where(properties.ContainsKey))
        {
            if (properties[name] is OpenApiSchema { AnyOf: { Count: 2 } branches } && branches.FirstOrDefault(branch => branch is not OpenApiSchema { Type: JsonSchemaType.Null }) is { } value)
            {
                properties[name] = value;
            }
        }
    }

    /// <summary>
    /// Query values are read as text so that a bad one is named in the problem; what a client should send is declared:
    /// whole numbers for paging, UUIDs for ids.
    /// </summary>
    public static void QueryText(string? name, OpenApiSchema schema)
    {
        if (schema.Type is not JsonSchemaType.String || schema.Format is not null)
        {
            return;
        }

        if (name is "page" or "pageSize")
        {
            schema.Type = JsonSchemaType.Integer;
            schema.Format = "int32";
            schema.Minimum = "1";
            schema.Maximum = name == "pageSize" ? PageParameters.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        }
        else if (name is not null && name.EndsWith("Id", StringComparison.Ordinal))
        {
            schema.Format = "uuid";
        }
    }

    private static bool IsNullableValue(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null;

    private static bool IsRequest(Type type) => type.Name.EndsWith("Request", StringComparison.Ordinal);

    private static bool IsRequiredRequestField(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property) =>
        IsRequest(property.DeclaringType) && property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true;
}

/// <summary>On a <see cref="JsonElement"/> field: any JSON value (a step's output, a tool's result), not only an object.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AnyJsonValueAttribute : Attribute;

/// <summary>On a request record: exactly one of these fields is given (e.g. reservationId or lines).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class OneOfRequiredAttribute(params string[] fields) : Attribute
{
    public IReadOnlyList<string> Fields { get; } = fields;
}
