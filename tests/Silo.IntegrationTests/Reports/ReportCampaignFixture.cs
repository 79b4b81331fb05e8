using System.Text.Json.Nodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Storage;

namespace SotopiaPi.Silo.IntegrationTests.Reports;

/// <summary>One small real BC + 2 SR campaign, played once for all report tests. It evaluates on a set
/// "mixed" of 3 hard and 3 training scenarios (added to a copy of the starter data), so the report has both
/// the "all" and the "hard" rows.</summary>
public sealed class ReportCampaignFixture : IAsyncLifetime
{
    public const int HardInMixed = 3;
    public const int OthersInMixed = 3;

    private readonly TempDirectory _root = new("sotopia-report");

    public string Home => _root.Combine("home");

    public string Root => _root.Path;

    public CampaignRecord Campaign { get; private set; } = null!;

    /// <summary>Scenario ids of the dataset's hard set.</summary>
    public IReadOnlySet<string> HardScenarios { get; private set; } = new HashSet<string>();

    public async Task InitializeAsync()
    {
        var data = _root.Combine("data");
        Directory.CreateDirectory(data);
        foreach (var file in Directory.GetFiles(DatasetLocator.StarterPath))
        {
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        }
        var setsPath = Path.Combine(data, "sets.json");
        var sets = JsonNode.Parse(await File.ReadAllTextAsync(setsPath))!.AsObject();
        var hard = sets["hard"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var train = sets["train"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        sets["mixed"] = new JsonArray([.. hard.Take(HardInMixed).Concat(train.Take(OthersInMixed)).Select(id => (JsonNode)JsonValue.Create(id))]);
        await File.WriteAllTextAsync(setsPath, sets.ToJsonString());
        HardScenarios = hard.ToHashSet(StringComparer.Ordinal);

        var spec = new CampaignSpec
        {
            Name = "report-test",
            Mode = CampaignMode.BcSr,
            SrRounds = 2,
            Dataset = data,
            ScenariosPerRound = 2,
            PairsPerScenario = 3,
            EvaluationSet = "mixed",
            EvaluationPairsPerScenario = 1,
            Trainer = new TrainerSettings { Epochs = 4 },
        };
        Campaign = await EmbeddedCampaign.RunAsync(Home, spec, "report-campaign");
        if (Campaign.Status != CampaignStatus.Completed)
        {
            throw new InvalidOperationException($"The report test campaign did not complete: {Campaign.Status} {Campaign.Error}");
        }
    }

    public async Task<SqliteSotopiaStore> OpenStoreAsync() => await SqliteSotopiaStore.OpenAsync(Path.Combine(Home, "sotopia.db"));

    public Task DisposeAsync()
    {
        _root.Dispose();
        return Task.CompletedTask;
    }
}
