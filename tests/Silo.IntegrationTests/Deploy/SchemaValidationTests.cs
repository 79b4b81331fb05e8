namespace SotopiaPi.Silo.IntegrationTests.Deploy;

/// <summary>Every object of every overlay validates offline against the Kubernetes API schemas (npm
/// kubernetes-models) and KEDA's (@kubernetes-models/keda), through tests/k8s-validate/validate.mjs.</summary>
public sealed class SchemaValidationTests(RenderedOverlaysFixture overlays) : IClassFixture<RenderedOverlaysFixture>
{
    [Theory]
    [InlineData("dev")]
    [InlineData("production")]
    [InlineData("production-hpa")]
    [InlineData("azure")]
    public async Task EveryObjectOfTheOverlayMatchesItsSchema(string name)
    {
        var overlay = overlays[name];
        var result = await ValidateAsync(overlay.Yaml);
        Assert.True(result.ExitCode == 0, $"overlay {name} has invalid objects:\n{result.Output}{result.Error}");
        Assert.Contains($"{overlay.Objects.Count} valid, 0 invalid", result.Output, StringComparison.Ordinal);
        foreach (var o in overlay.Objects)
        {
            Assert.Contains($"ok {o.Id}\n", result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheValidatorRejectsAWrongFieldTypeAndAnUnknownKind()
    {
        var silo = overlays["dev"].Yaml.Replace("containerPort: 8080", "containerPort: eighty", StringComparison.Ordinal);
        var result = await ValidateAsync(silo + "\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: x\n");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("invalid Deployment/sotopia-silo: /spec/template/spec/containers/0/ports/0/containerPort must be integer", result.Output, StringComparison.Ordinal);
        Assert.Contains("invalid Gadget/x: no schema for example.com/v1 Gadget", result.Output, StringComparison.Ordinal);
    }

    private static async Task<ExternalCommand.Result> ValidateAsync(string yaml)
    {
        await EnsureValidatorInstalledAsync();
        var file = Path.Combine(Path.GetTempPath(), $"sotopia-k8s-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        try
        {
            return await ExternalCommand.RunAsync("node", ["validate.mjs", file], RepositoryPaths.Validator, TimeSpan.FromMinutes(2));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>scripts/test.sh runs <c>npm ci</c> there; a bare <c>dotnet test</c> does it here the first time.</summary>
    private static async Task EnsureValidatorInstalledAsync()
    {
        if (Directory.Exists(Path.Combine(RepositoryPaths.Validator, "node_modules", "kubernetes-models")))
        {
            return;
        }
        var result = await ExternalCommand.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], RepositoryPaths.Validator, TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, $"npm ci in tests/k8s-validate failed (exit {result.ExitCode}): {result.Error}");
    }
}
