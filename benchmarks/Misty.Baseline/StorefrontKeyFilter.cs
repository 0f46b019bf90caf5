using System.Security.Cryptography;
using System.Text;

namespace Misty.Baseline;

/// <summary>
/// Requires the storefront's X-Api-Key, as Misty does, so both systems pay for an authentication check.
/// </summary>
public sealed class StorefrontKeyFilter(BaselineSettings settings) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    private readonly byte[] _expected = Encoding.UTF8.GetBytes(settings.StorefrontKey);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers[HeaderName].ToString());
        // Constant time, so response timing does not reveal how much of a guessed key was right.
        return CryptographicOperations.FixedTimeEquals(presented, _expected)
            ? await next(context)
            : TypedResults.Problem(title: "A valid X-Api-Key is required.", statusCode: StatusCodes.Status401Unauthorized);
    }
}
