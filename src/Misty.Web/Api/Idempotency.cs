namespace Misty.Web.Api;

/// <summary>
/// The Idempotency-Key header every write that accepts one reads the same way: at most <see cref="MaxKeyLength"/>
/// printable characters, scoped by the caller so that two callers' keys never collide. Endpoints that read it say so
/// with <see cref="AcceptsIdempotencyKey"/>, which also declares the header in the OpenAPI document.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    /// <summary>The caller's key, or "" when it sent none; a bad (or a missing required) key is recorded against the header.</summary>
    public static string KeyOf(HttpRequest http, FieldErrors errors, bool required = false)
    {
        var key = http.Headers[Header].ToString();
        errors.Check((!required || key.Length > 0) && key.Length <= MaxKeyLength && !key.Any(char.IsControl), Header,
            required
                ? $"The {Header} header is required: 1 to {MaxKeyLength} printable characters, unique per request."
                : $"Optional: 1 to {MaxKeyLength} printable characters, unique per request.");
        return key;
    }

    /// <summary>Marks the endpoint as reading the header (required or not), for the OpenAPI document.</summary>
    public static RouteHandlerBuilder AcceptsIdempotencyKey(this RouteHandlerBuilder builder, bool required = false) =>
        builder.WithMetadata(new IdempotencyKeyMetadata(required));
}

/// <summary>Endpoint metadata: the endpoint reads <see cref="Idempotency.Header"/>.</summary>
public sealed record IdempotencyKeyMetadata(bool Required);
