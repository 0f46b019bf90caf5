using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Misty.Web.Api;

/// <summary>
/// 200 with one of two shapes, e.g. staff's and the storefront's view of the same thing: both are declared (the
/// OpenAPI document offers them as anyOf), and the caller gets the one that fits it.
/// </summary>
public sealed class OkEither<TFirst, TSecond> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    private readonly object _value;

    internal OkEither(object value) => _value = value;

    public int? StatusCode => StatusCodes.Status200OK;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Ok(_value).ExecuteAsync(httpContext);

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        EitherMetadata.Declare<TFirst, TSecond>(builder, StatusCodes.Status200OK);
}

/// <summary>201 with one of two shapes (see <see cref="OkEither{TFirst, TSecond}"/>), and the new resource's location.</summary>
public sealed class CreatedEither<TFirst, TSecond> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    private readonly string _location;
    private readonly object _value;

    internal CreatedEither(string location, object value) => (_location, _value) = (location, value);

    public int? StatusCode => StatusCodes.Status201Created;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Created(_location, _value).ExecuteAsync(httpContext);

    static void IEndpointMetadataProvider.PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        EitherMetadata.Declare<TFirst, TSecond>(builder, StatusCodes.Status201Created);
}

/// <summary>Builds <see cref="OkEither{TFirst, TSecond}"/> and <see cref="CreatedEither{TFirst, TSecond}"/> from either shape.</summary>
public static class Either
{
    public static OkEither<TFirst, TSecond> Ok<TFirst, TSecond>(TFirst value) => new(value!);

    public static OkEither<TFirst, TSecond> Ok<TFirst, TSecond>(TSecond value) => new(value!);

    public static CreatedEither<TFirst, TSecond> Created<TFirst, TSecond>(string location, TFirst value) => new(location, value!);

    public static CreatedEither<TFirst, TSecond> Created<TFirst, TSecond>(string location, TSecond value) => new(location, value!);
}

internal static class EitherMetadata
{
    public static void Declare<TFirst, TSecond>(EndpointBuilder builder, int status)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(TFirst), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(TSecond), ["application/json"]));
    }
}
