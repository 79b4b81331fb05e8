namespace SotopiaPi.Silo.Runtime;

/// <summary>Resolves a campaign's dataset reference: "starter" is the dataset shipped with SotopiaPi (copied
/// next to the binaries); anything else is a folder or file path.</summary>
public static class DatasetLocator
{
    public const string Starter = "starter";

    public static string StarterPath => Path.Combine(AppContext.BaseDirectory, "data", "starter");

    public static string Resolve(string dataset) =>
        string.Equals(dataset, Starter, StringComparison.OrdinalIgnoreCase) ? StarterPath : Path.GetFullPath(dataset);
}
