using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Misty.Tests.Infrastructure;

namespace Misty.Tests.Security;

/// <summary>One HTTP method of one endpoint that a running node has mapped, as the security tests walk them.</summary>
public sealed record MappedEndpoint(string Method, RouteEndpoint Endpoint)
{
    public string Pattern => Endpoint.RoutePattern.RawText ?? Endpoint.DisplayName ?? "?";

    /// <summary>The policies every caller must satisfy (an endpoint's own and its groups').</summary>
    public IReadOnlyList<string?> Policies =>
        [.. Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy ?? data.Roles)];

    public bool IsPublic => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    public bool IsHub => Endpoint.Metadata.GetMetadata<HubMetadata>() is not null;

    public bool HasBody => Method is "POST" or "PUT" or "PATCH";

    /// <summary>The type of the JSON body the handler binds, if any.</summary>
    public Type? BodyType => Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    public MethodInfo? Handler => Endpoint.Metadata.GetMetadata<MethodInfo>();

    public IReadOnlyList<RoutePatternParameterPart> RouteParameters => Endpoint.RoutePattern.Parameters;

    public static bool IsGuid(RoutePatternParameterPart parameter) =>
        parameter.ParameterPolicies.Any(policy => policy.Content == "guid");

    /// <summary>The path with each route parameter replaced by <paramref name="value"/>'s answer (URL-escaped here).</summary>
    public string Path(Func<RoutePatternParameterPart, string> value) =>
        "/" + string.Join('/', Endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => Uri.EscapeDataString(value(parameter)),
            _ => throw new InvalidOperationException($"Unexpected route part {part} in {Endpoint.RoutePattern.RawText}"),
        }))));

    /// <summary>A path to the endpoint that matches its route: a fresh id for guid parameters, a plain word otherwise.</summary>
    public string SomePath() => Path(parameter => IsGuid(parameter) ? Guid.NewGuid().ToString() : "probe-unknown");

    public override string ToString() => $"{Method} {Pattern}";

    /// <summary>Every endpoint the node's routing knows, one entry per HTTP method (GET for endpoints of any method).</summary>
    public static IReadOnlyList<MappedEndpoint> Of(MistyWebNode node) =>
        [.. node.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .DefaultIfEmpty(HttpMethods.Get)
                .Select(method => new MappedEndpoint(method, endpoint)))
            .OrderBy(endpoint => endpoint.Pattern, StringComparer.Ordinal)
            .ThenBy(endpoint => endpoint.Method, StringComparer.Ordinal)];
}
