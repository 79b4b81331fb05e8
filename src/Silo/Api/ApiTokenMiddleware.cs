using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.Silo.Api;

/// <summary>When a token is configured, every request under <c>/api</c> (including unknown paths) needs
/// <c>Authorization: Bearer &lt;token&gt;</c>; otherwise 401 with a problem body. <c>/healthz</c> and
/// <c>/readyz</c> stay open. Neither the expected nor the presented token is ever logged or echoed.</summary>
internal sealed class ApiTokenMiddleware(RequestDelegate next, ApiTokenValidator validator, IProblemDetailsService problems, ILogger<ApiTokenMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!validator.Enabled || !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }
        if (validator.IsValid(context.Request.Headers.Authorization.ToString()))
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
