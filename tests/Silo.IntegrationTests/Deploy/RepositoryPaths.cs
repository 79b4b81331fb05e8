namespace SotopiaPi.Silo.IntegrationTests.Deploy;

/// <summary>Folders of the repository the tests run from (found by walking up to SotopiaPi.sln).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string K8s => Path.Combine(Root, "k8s");

    public static string Validator => Path.Combine(Root, "tests", "k8s-validate");

    public static string Overlay(string name) => Path.Combine(K8s, "overlays", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SotopiaPi.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"SotopiaPi.sln not found above {AppContext.BaseDirectory}: the deployment tests read k8s/ from the repository.");
    }
}
