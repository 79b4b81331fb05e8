using System.Collections.Immutable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Datasets;

/// <summary><c>/api/datasets</c>: the newest dataset version, every version (<c>/versions</c>), one version
/// (<c>/versions/{n}</c>), and importing a dataset from a path on the silo's machine as a new version (validated
/// first: nothing is stored when it has errors).</summary>
internal static class DatasetsApi
{
    private const string InvalidImport = "The dataset cannot be imported.";

    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/datasets");
        api.MapGet("/", GetDatasetAsync);
        api.MapGet("/versions", ListVersionsAsync);
        api.MapGet("/versions/{version:int}", GetVersionAsync);
        api.MapPost("/import", ImportAsync);
        return app;
    }

    /// <summary>The newest version (every request reads the store: an import made on any silo is seen at once).</summary>
    public static async Task<Ok<DatasetSummaryResponse>> GetDatasetAsync(IDatasetStore store, CancellationToken cancellationToken)
    {
        var newest = (await store.ListDatasetVersionsAsync(cancellationToken)).LastOrDefault();
        if (newest is null)
        {
            return TypedResults.Ok(new DatasetSummaryResponse());
        }
        return TypedResults.Ok(Summary(newest, await store.LoadDatasetAsync(newest.Version, cancellationToken)));
    }

    public static async Task<Ok<DatasetVersionsResponse>> ListVersionsAsync(IDatasetStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new DatasetVersionsResponse { Versions = [.. await store.ListDatasetVersionsAsync(cancellationToken)] });

    public static async Task<Results<Ok<DatasetSummaryResponse>, ProblemHttpResult>> GetVersionAsync(
        int version, IDatasetStore store, CancellationToken cancellationToken)
    {
        var found = (await store.ListDatasetVersionsAsync(cancellationToken)).FirstOrDefault(v => v.Version == version);
        if (found is null)
        {
            return ApiProblems.NotFound($"Dataset version {version} does not exist.");
        }
        return TypedResults.Ok(Summary(found, await store.LoadDatasetAsync(version, cancellationToken)));
    }

    private static DatasetSummaryResponse Summary(DatasetVersion version, SotopiaDataset dataset) => new()
    {
        Version = version.Version,
        ContentHash = version.ContentHash,
        CreatedAt = version.CreatedAt,
        Source = version.Source,
        Characters = dataset.Characters.Length,
        Relationships = dataset.Relationships.Length,
        Scenarios = dataset.Scenarios.Length,
        Tasks = dataset.Tasks.Length,
        NamedSets = dataset.NamedSets.ToImmutableDictionary(s => s.Key, s => s.Value.Length),
    };

    /// <summary>Body: <c>{"path": "sotopia", "sets": ["used_env.json"]}</c>, paths below the silo's datasets folder
    /// (see <see cref="DatasetFolder"/>). 400 names <c>path</c> (or <c>sets</c>) with every problem, each as
    /// "file:line: field: message".</summary>
    public static async Task<Results<Ok<DatasetImportResponse>, ValidationProblem>> ImportAsync(
        HttpRequest request, IDatasetStore store, DatasetFolder folder, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (body, errors) = await ApiJson.ReadAsync<DatasetImportRequest>(request, cancellationToken);
        if (body is null)
        {
            return ApiProblems.Invalid(InvalidImport, errors);
        }
        if (string.IsNullOrWhiteSpace(body.Path))
        {
            return ApiProblems.Invalid(InvalidImport, "path", "is required (a folder or file on the silo's machine)");
        }
        if (!folder.TryResolve(body.Path, out var path, out var pathProblem))
        {
            return ApiProblems.Invalid(InvalidImport, "path", pathProblem);
        }
        var sets = new List<string>();
        foreach (var set in body.Sets)
        {
            if (!folder.TryResolve(set, out var setPath, out var setProblem))
            {
                return ApiProblems.Invalid(InvalidImport, "sets", setProblem);
            }
            sets.Add(setPath);
        }
        var missingSets = sets.Where(s => !File.Exists(s)).ToList();
        if (missingSets.Count > 0)
        {
            return ApiProblems.Invalid(InvalidImport, "sets", $"not found in the datasets folder: {string.Join(", ", missingSets)}");
        }
        DataLoadResult loaded;
        try
        {
            loaded = await Task.Run(() => SotopiaDataLoader.Load(path, sets), cancellationToken);
        }
        catch (DataLoadException ex)
        {
            return ApiProblems.Invalid(InvalidImport, "path", ex.Message);
        }
        if (!loaded.IsValid)
        {
            return ApiProblems.Invalid(InvalidImport, "path", [.. loaded.Errors.Select(e => e.ToString())]);
        }
        var version = await store.ImportDatasetAsync(loaded.Dataset, loaded.Source, cancellationToken);
        var d = loaded.Dataset;
        SotopiaApiLog.DatasetImported(loggers.CreateLogger(typeof(DatasetsApi)), loaded.Source, d.Scenarios.Length, d.Characters.Length);
        return TypedResults.Ok(new DatasetImportResponse
        {
            Source = loaded.Source,
            Version = version.Version,
            ContentHash = version.ContentHash,
            Characters = d.Characters.Length,
            Relationships = d.Relationships.Length,
            Scenarios = d.Scenarios.Length,
            Tasks = d.Tasks.Length,
            NamedSets = [.. d.NamedSets.Keys.Order(StringComparer.Ordinal)],
            Warnings = [.. loaded.Warnings.Select(w => w.ToString())],
        });
    }
}
