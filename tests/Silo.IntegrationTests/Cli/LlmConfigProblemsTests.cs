using SotopiaPi.Client;
using SotopiaPi.Client.Commands;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Cli;

public sealed class LlmConfigProblemsTests
{
    [Fact]
    public void AnLlmConfigurationErrorInDefaultsIsPrintedOnceNamingEveryRole()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("llm.yaml");
        File.WriteAllText(path, "defaults:\n  temperature: 9\nroles:\n  judge:\n    max_concurrency: 0\n");

        var error = Assert.Throws<UserFacingException>(() => LlmBackendOptions.LoadSettings(path));

        Assert.Equal(
            string.Join(Environment.NewLine,
                "Invalid LLM configuration:",
                $"  {path}: line 2: defaults.temperature (every role): '9' must be a number from 0 to 2",
                $"  {path}: line 5: roles.judge.max_concurrency (role judge): '0' must be an integer from 1 to 100000"),
            error.Message);
    }
}
