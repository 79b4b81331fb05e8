using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;

namespace SotopiaPi.Silo.Api.Policies;

/// <summary><c>/api/policies</c>: versions with lineage and the active one; activate a version; roll back to
/// the version the active one was trained from. New episodes pin the active version; running ones keep theirs.</summary>
internal static class PoliciesApi
{
    public static IEndpointRouteBuilder MapPoliciesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/policies");
        api.MapGet("/", ListPoliciesAsync);
        api.MapGet("/{name}", GetPolicyAsync);
        api.MapPost("/{name}/activate", ActivateAsync);
        api.MapPost("/{name}/rollback", RollbackAsync);
        return app;
    }

    public static async Task<Ok<PolicySummaryResponse[]>> ListPoliciesAsync(IPolicyStore store, CancellationToken cancellationToken)
    {
        var names = await store.ListPoliciesAsync(cancellationToken);
        var rows = new List<PolicySummaryResponse>(names.Count);
        foreach (var name in names)
        {
            var versions = await store.ListVersionsAsync(name, cancellationToken);
            var active = await store.GetActiveVersionAsync(name, cancellationToken);
            rows.Add(new PolicySummaryResponse(name, active?.Version, versions.Count));
        }
        return TypedResults.Ok(rows.ToArray());
    }

    public static async Task<Results<Ok<PolicyResponse>, ProblemHttpResult>> GetPolicyAsync(
        string name, IPolicyStore store, CancellationToken cancellationToken)
    {
        var policy = await ReadAsync(name, store, cancellationToken);
        return policy is null ? ApiProblems.NotFound(NoVersions(name)) : TypedResults.Ok(policy);
    }

    /// <summary>Body: <c>{"version": n}</c>. 400 names <c>version</c> when it is missing or not a version of the policy.</summary>
    public static async Task<Results<Ok<PolicyResponse>, ValidationProblem, ProblemHttpResult>> ActivateAsync(
        string name, HttpRequest request, IPolicyStore store, IGrainFactory grains, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        const string Title = "The activation request is not valid.";
        var (body, errors) = await ApiJson.ReadAsync<ActivatePolicyRequest>(request, cancellationToken);
        if (body is null)
        {
            return ApiProblems.Invalid(Title, errors);
        }
        if (body.Version is not { } version)
        {
            return ApiProblems.Invalid(Title, "version", "is required");
        }
        var versions = await store.ListVersionsAsync(name, cancellationToken);
        if (versions.Count == 0)
        {
            return ApiProblems.NotFound(NoVersions(name));
        }
        if (!versions.Any(v => v.Version == version))
        {
            return ApiProblems.Invalid(Title, "version",
                $"policy '{name}' has no version {version} (it has: {string.Join(", ", versions.Select(v => v.Version))})");
        }
        await grains.GetGrain<IPolicyRegistryGrain>(name).ActivateAsync(version).WaitAsync(cancellationToken);
        SotopiaApiLog.PolicyActivated(loggers.CreateLogger(typeof(PoliciesApi)), name, version);
        return TypedResults.Ok((await ReadAsync(name, store, cancellationToken))!);
    }

    /// <summary>Re-activates the parent of the active version. 409 when the active version is the base.</summary>
    public static async Task<Results<Ok<PolicyResponse>, ProblemHttpResult>> RollbackAsync(
        string name, IPolicyStore store, IGrainFactory grains, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if ((await store.ListVersionsAsync(name, cancellationToken)).Count == 0)
        {
            return ApiProblems.NotFound(NoVersions(name));
        }
        PolicyVersion activated;
        try
        {
            activated = await grains.GetGrain<IPolicyRegistryGrain>(name).RollbackAsync().WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException)
        {
            return ApiProblems.Conflict(ex.Message);
        }
        SotopiaApiLog.PolicyActivated(loggers.CreateLogger(typeof(PoliciesApi)), name, activated.Version);
        return TypedResults.Ok((await ReadAsync(name, store, cancellationToken))!);
    }

    private static async Task<PolicyResponse?> ReadAsync(string name, IPolicyStore store, CancellationToken ct)
    {
        var versions = await store.ListVersionsAsync(name, ct);
        if (versions.Count == 0)
        {
            return null;
        }
        var active = await store.GetActiveVersionAsync(name, ct);
        return new PolicyResponse { Name = name, ActiveVersion = active?.Version, Versions = [.. versions] };
    }

    private static string NoVersions(string name) => $"Policy '{name}' has no versions (a campaign creates its base version).";
}
