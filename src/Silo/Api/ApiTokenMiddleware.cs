using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.Silo.Api;

/// <summary>When a token is configured, every request under <c>/api</c> (including unknown paths), under
/// <c>/orleans</c> (the Orleans dashboard) and to <c>/metrics</c> (Prometheus, when served) needs <c>Authorization: Bearer &lt;token&gt;</c> (for <c>/orleans</c>, the
/// session cookie <c>POST /api/orleans/session</c> sets will do too); otherwise 401 with a problem body. A silo without
/// a token listens on loopback only (<see cref="Hosting.SiloHostSettings"/>), so off loopback both always need it.
/// <c>/healthz</c>, <c>/readyz</c> and our dashboard's static page stay open. Neither the expected nor the presented
/// token is ever logged or echoed.</summary>
internal sealed class ApiTokenMiddleware(RequestDelegate next, ApiTokenValidator validator, IProblemDetailsService problems, ILogger<ApiTokenMiddleware> logger)
{
    /// <summary>Where the silo serves the Orleans dashboard.</summary>
    public const string OrleansDashboardPath = "/orleans";

    /// <summary>Where the silo serves its metrics for Prometheus when asked to (<c>--prometheus</c>).</summary>
    public const string PrometheusPath = "/metrics";

    public Task InvokeAsync(HttpContext context)
    {
        var orleans = context.Request.Path.StartsWithSegments(OrleansDashboardPath, StringComparison.OrdinalIgnoreCase);
        if (!validator.Enabled || !(orleans || context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments(PrometheusPath, StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }
        if (validator.IsValid(context.Request.Headers.Authorization.ToString())
            || (orleans && context.Request.Cookies.TryGetValue(ApiTokenValidator.OrleansSessionCookie, out var cookie) && validator.IsValidOrleansSession(cookie)))
        {
            return next(context);
        }
        return RefuseAsync(context);
    }

    private async Task RefuseAsync(HttpContext context)
    {
        var presented = context.Request.Headers.Authorization.Count > 0;
        SotopiaApiLog.Refused(logger, context.Request.Method, context.Request.Path.ToString(), presented ? "wrong bearer token" : "no bearer token");
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"sotopia\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = presented
                    ? "The bearer token is not the one this silo was started with."
                    : "This silo requires 'Authorization: Bearer <token>' (the token the silo was started with in SOTOPIA_API_TOKEN).",
            },
        });
    }
}
