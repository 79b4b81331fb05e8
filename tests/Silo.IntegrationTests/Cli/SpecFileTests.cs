using System.Text;
using SotopiaPi.Client;
using SotopiaPi.Client.Commands;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Cli;

/// <summary>Reading campaign spec files: bounded (size, UTF-8, YAML expansion) and every problem named at once.</summary>
public sealed class SpecFileTests
{
    [Fact]
    public void ASpecLargerThanTheLimitIsRefusedBeforeItIsParsed()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("huge.yaml");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("name: ");
            writer.Write(new string('n', 25 * 1024 * 1024));
            writer.Write('\n');
        }

        var error = Assert.Throws<UserFacingException>(() => SpecFile.Load(path));

        Assert.Equal($"Spec file '{path}' is larger than the limit of 256 KiB (262,144 bytes); a full spec is about 1 KB.", error.Message);
    }

    [Fact]
    public void EveryUnknownKeyIsListedAtOnceWithItsPath()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("typos.yaml");
        File.WriteAllText(path, "name: typo\nsr_round: 3\nfilter:\n  topk: 2\ntrainer:\n  epochs: 3\n  lr: 0.1\n");

        var error = Assert.Throws<UserFacingException>(() => SpecFile.Load(path));

        var lines = error.Message.Split(Environment.NewLine);
        Assert.Equal($"{path}: the campaign spec is not valid:", lines[0]);
        Assert.Equal(3, lines.Length - 1);
        Assert.StartsWith("  - sr_round: unknown key (known keys: name, mode, dataset, ", lines[1], StringComparison.Ordinal);
        Assert.Equal("  - filter.topk: unknown key (known keys here: top_k, top_fraction, min_goal, invert)", lines[2]);
        Assert.StartsWith("  - trainer.lr: unknown key (known keys here: backend, epochs, learning_rate, ", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void ANumberTooLargeForADoubleIsRefusedWithItsLineAndField()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("inf.yaml");
        File.WriteAllText(path, "name: inf\ntrainer:\n  learning_rate: 1e309\n");

        var error = Assert.Throws<UserFacingException>(() => SpecFile.Load(path));

        Assert.Equal($"{path}: the campaign spec is not valid:{Environment.NewLine}  - line 3: trainer.learning_rate: 1e309 is not a finite number", error.Message);
    }

    [Fact]
    public void YamlAliasesCannotExpandASpecBeyondTheNodeLimit()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("laughs.yaml");
        var yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 6; level++)
        {
            yaml.Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat($"*a{level - 1}", 10))}]\n");
        }
        yaml.Append("name: *a6\n");
        File.WriteAllText(path, yaml.ToString());

        var error = Assert.Throws<UserFacingException>(() => SpecFile.Load(path));

        Assert.Contains("the YAML document has more than 10000 values or 32 levels of nesting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8InASpecIsRefusedWithItsLine()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("latin1.yaml");
        File.WriteAllBytes(path, [.. "name: ok\npolicy_name: caf"u8, 0xE9, .. "\n"u8]);

        var error = Assert.Throws<UserFacingException>(() => SpecFile.Load(path));

        Assert.Equal($"{path}: line 2: invalid UTF-8 (byte 0xE9); a spec must be UTF-8 text.", error.Message);
    }

    [Fact]
    public void AValidSpecStillLoadsWithItsDefaults()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("ok.yaml");
        File.WriteAllText(path, "name: ok\nmode: eval\nbudget: { max_cost_usd: 0.5, prices: { gpt-x: { input_per_million: 1.5 } } }\n");

        var spec = SpecFile.Load(path);

        Assert.Equal("ok", spec.Name);
        Assert.Equal(CampaignMode.Eval, spec.Mode);
        Assert.Equal(0.5m, spec.Budget.MaxCostUsd);
        Assert.Equal(1.5m, spec.Budget.Prices["gpt-x"].InputPerMillion);
        Assert.Equal(new CampaignSpec().Trainer, spec.Trainer);
    }
}
