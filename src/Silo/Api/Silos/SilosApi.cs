using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Silos;

/// <summary><c>/api/silos</c>: the silos Orleans' membership knows, with their status, grains and episodes in flight.</summary>
internal static class SilosApi
{
    public static IEndpointRouteBuilder MapSilosApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/silos");
        api.MapGet("/", ListSilosAsync);
        return app;
    }

    public static async Task<Ok<SiloResponse[]>> ListSilosAsync(ISiloDirectory directory, CancellationToken cancellationToken) =>
        TypedResults.Ok((await directory.ListAsync(cancellationToken)).ToArray());
}
