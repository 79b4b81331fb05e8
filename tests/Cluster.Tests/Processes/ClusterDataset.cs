using System.Globalization;
using System.Text.Json.Nodes;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>A bigger dataset for the cluster tests, written into a folder: the starter dataset (characters,
/// relationships, tasks, the named sets) plus <c>copies</c> clones of each of its 30 training scenarios under
/// new ids and code names. A clone has the same relationship type and constraints as its original, so it has
/// the same character pairs; the evaluation set ("hard") is unchanged. The starter alone has only 30 training
/// scenarios — too few for rounds of a thousand episodes.</summary>
internal static class ClusterDataset
{
    public const string EvaluationSet = "hard";

    /// <summary>Writes the dataset into <paramref name="folder"/> and returns how many training scenarios it has.</summary>
    public static int Write(string folder, int copies)
    {
        var starter = DatasetLocator.StarterPath;
        Assert.True(Directory.Exists(starter), $"the starter dataset was not copied next to the tests: {starter}");
        Directory.CreateDirectory(folder);
        foreach (var file in (string[])["agent_profiles.jsonl", "relationship_profiles.jsonl", "env_agent_combo_storages.jsonl", "sets.json"])
        {
            File.Copy(Path.Combine(starter, file), Path.Combine(folder, file));
        }

        var sets = JsonNode.Parse(File.ReadAllText(Path.Combine(starter, "sets.json")))!.AsObject();
        var hard = sets[EvaluationSet]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var lines = File.ReadAllLines(Path.Combine(starter, "environment_profiles.jsonl")).Where(l => l.Length > 0).ToList();
        var output = new List<string>(lines);
        var training = 0;
        var serial = 0;
        foreach (var line in lines)
        {
            var scenario = JsonNode.Parse(line)!.AsObject();
            if (hard.Contains(scenario["env_id"]!.GetValue<string>()))
            {
                continue;
            }
            training++;
            for (var copy = 1; copy <= copies; copy++)
            {
                var clone = scenario.DeepClone().AsObject();
                // 26 characters of Crockford base32 (digits only), unique and unlike every starter id.
                clone["env_id"] = "01KC" + (++serial).ToString("D22", CultureInfo.InvariantCulture);
                clone["codename"] = $"{scenario["codename"]!.GetValue<string>()}_copy{copy}";
                output.Add(clone.ToJsonString());
            }
        }
        File.WriteAllLines(Path.Combine(folder, "environment_profiles.jsonl"), output);
        return training * (copies + 1);
    }
}
