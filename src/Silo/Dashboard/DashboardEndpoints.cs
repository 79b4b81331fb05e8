using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SotopiaPi.Silo.Dashboard;

/// <summary>Serves the dashboard: <c>/</c> is the page, <c>/dashboard/&lt;file&gt;</c> its script and style.
/// Everything is an embedded resource of this assembly, so the page makes no request to any other host (a
/// Content-Security-Policy says so to the browser too). The page itself needs no token; its /api calls do.</summary>
public static class DashboardEndpoints
{
    private const string ResourcePrefix = "SotopiaPi.Silo.Dashboard.Assets.";

    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) => ServeAsync(context, "index.html"));
        app.MapGet("/dashboard/{file}", (HttpContext context, string file) => ServeAsync(context, file));
        return app;
    }

    private static async Task ServeAsync(HttpContext context, string file)
    {
        var contentType = file.Contains('/', StringComparison.Ordinal) ? null : ContentTypes.GetValueOrDefault(Path.GetExtension(file));
        await using var stream = contentType is null
            ? null
            : typeof(DashboardEndpoints).Assembly.GetManifestResourceStream(ResourcePrefix + file);
        if (stream is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
