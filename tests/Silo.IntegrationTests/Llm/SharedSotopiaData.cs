namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>Locates the original SOTOPIA/SOTOPIA-π files in <c>shared/data/sotopia</c>, beside the repository
/// (walking up from the test binaries); fails with a clear message when they are missing.</summary>
internal static class SharedSotopiaData
{
    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "data", "sotopia"), Path.Combine(dir.FullName, "..", "shared", "data", "sotopia") })
                {
                    if (Directory.Exists(candidate))
                    {
                        return Path.GetFullPath(candidate);
                    }
                }
            }
            Assert.Fail($"The original SOTOPIA data was not found: no 'shared/data/sotopia' folder at or beside any parent of {AppContext.BaseDirectory}.");
            return "";
        }
    }

    public static string UsedPrompts => Path.Combine(Folder, "sotopia_pi", "used_prompt.csv");
}
