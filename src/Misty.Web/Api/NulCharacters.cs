using System.Text.Json;
using System.Text.Json.Serialization;

namespace Misty.Web.Api;

/// <summary>
/// PostgreSQL text and jsonb cannot hold the NUL character (U+0000): a value containing one would fail at the database
/// (a 500, or a projection that never lands). It is refused at the edge instead, as bad input naming the field.
/// </summary>
public static class NulCharacters
{
    /// <summary>Refuses JSON strings (values and property names) that contain NUL: 400 naming the field, via BadRequestProblems.</summary>
    public static IServiceCollection RefuseNulInJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new NulFreeStringConverter()));

    /// <summary>Refuses query strings whose decoded values or names contain NUL, with a validation problem naming them.</summary>
    public static IApplicationBuilder RefuseNulInQuery(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            // Most requests (every reservation) have no query string: nothing to parse or check.
            if (!http.Request.QueryString.HasValue)
            {
                await next(http);
                return;
            }

            var bad = http.Request.Query.Where(pair => pair.Key.Contains('\0') || pair.Value.Any(value => value?.Contains('\0') == true))
                .Select(pair => pair.Key.Replace("\0", "", StringComparison.Ordinal))
                .ToList();
            if (bad.Count == 0)
            {
                await next(http);
                return;
            }

            var errors = new FieldErrors();
            foreach (var name in bad)
            {
                errors.Add(name, "May not contain the NUL character.");
            }

            await errors.ToProblem().ExecuteAsync(http);
        });

    private sealed class NulFreeStringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? Checked(reader.GetString()!)
            : throw new JsonException($"Expected a string, not {reader.TokenType}.");

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Checked(reader.GetString()!);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

        // The message never repeats the value: it may be a secret.
        private static string Checked(string value) =>
            value.Contains('\0') ? throw new JsonException("The NUL character is not allowed.") : value;
    }
}
