using System.Text.Json;

namespace SotopiaPi.Sotopia.Tests.Simulator;

/// <summary>Test-only access to the original SOTOPIA data in the shared folder (never copied into the product).</summary>
internal static class SotopiaDataFiles
{
    /// <summary>The <c>shared/data/sotopia</c> folder, found by walking up from the test binaries. Fails (never
    /// skips) when it cannot be found.</summary>
    public static string DataDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "data", "sotopia"), Path.Combine(dir.FullName, "..", "shared", "data", "sotopia") })
            {
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(candidate);
                }
            }
            dir = dir.Parent;
        }
        Assert.Fail($"The SOTOPIA data folder 'shared/data/sotopia' was not found above {AppContext.BaseDirectory}. "
            + "It must sit beside the repository (for example /work/shared/data/sotopia).");
        return "";
    }

    /// <summary>The 90 original scenarios: (id, codename, scenario text, goal 0, goal 1).</summary>
    public static IReadOnlyList<SimScenario> OriginalScenarios()
    {
        var path = Path.Combine(DataDirectory(), "sotopia_original", "environment_profiles.jsonl");
        Assert.True(File.Exists(path), $"Missing data file {path}.");
        var scenarios = new List<SimScenario>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var goals = root.GetProperty("agent_goals");
            Assert.True(goals.GetArrayLength() == 2, $"{path}:{line}: expected 2 goals.");
            scenarios.Add(new SimScenario(
                root.GetProperty("env_id").GetString()!,
                root.GetProperty("codename").GetString()!,
                root.GetProperty("scenario").GetString()!,
                goals[0].GetString()!,
                goals[1].GetString()!));
        }
        return scenarios;
    }
}
