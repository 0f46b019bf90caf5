using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Scalar.AspNetCore;

namespace Misty.Web.ApiReference;

/// <summary>
/// The interactive API reference at <c>/api-reference/</c>: a page of the dashboard's bundle (it reads the OpenAPI
/// document with the caller's own credentials) that renders it with Scalar's standalone script, served here from the
/// Scalar.AspNetCore package's embedded files, so the page needs nothing but this server.
/// </summary>
public static class ApiReferenceSetup
{
    public const string Path = "/api-reference";

    /// <summary>Where the package's files (scalar.js) are served.</summary>
    public const string ScalarPath = Path + "/scalar";

    // Scalar styles its components with inline style elements and attributes, and compiles the document's JSON schemas
    // into functions (eval); scripts, data and fonts still come only from this origin.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-eval'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    // The folder of Scalar.AspNetCore's embedded static assets (the standalone API reference bundle).
    private const string EmbeddedFolder = "ScalarStaticAssets";

    public static bool Covers(PathString path) => path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase);

    public static IApplicationBuilder UseMistyApiReference(this IApplicationBuilder app) =>
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(ScalarOptions).Assembly, EmbeddedFolder),
            RequestPath = ScalarPath,
            OnPrepareResponse = Prepare,
        });

    private static void Prepare(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        // The package embeds its files gzip-compressed (scalar.js is 5 MB as text): they go out as they are stored,
        // which every browser that runs Scalar accepts.
        headers.ContentEncoding = "gzip";
        headers.Vary = "Accept-Encoding";
    }
}
