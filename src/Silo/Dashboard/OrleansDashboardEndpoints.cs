using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans.Dashboard;
using SotopiaPi.Silo.Api;

namespace SotopiaPi.Silo.Dashboard;

/// <summary>The Orleans dashboard (Microsoft.Orleans.Dashboard) under <c>/orleans</c>, behind the API token rule
/// (<see cref="ApiTokenMiddleware"/>), and <c>POST /api/orleans/session</c>: with the bearer token it sets the
/// <c>/orleans</c>-scoped HttpOnly, SameSite=Strict cookie a browser needs to open the dashboard (whose page and
/// script cannot send a bearer header). Our dashboard's "Orleans" link calls it first.</summary>
public static class OrleansDashboardEndpoints
{
    public static IEndpointRouteBuilder MapSotopiaOrleansDashboard(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOrleansDashboard(ApiTokenMiddleware.OrleansDashboardPath);
        app.MapPost("/api/orleans/session", (HttpContext context, ApiTokenValidator validator) =>
        {
            if (validator.OrleansSessionValue is { } value)
            {
                context.Response.Cookies.Append(ApiTokenValidator.OrleansSessionCookie, value, new CookieOptions
                {
                    Path = ApiTokenMiddleware.OrleansDashboardPath,
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = context.Request.IsHttps,
                    IsEssential = true,
                });
            }
            return Results.NoContent();
        });
        return app;
    }
}
