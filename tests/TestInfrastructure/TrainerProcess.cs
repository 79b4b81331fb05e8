
namespace SotopiaPi.TestInfrastructure;

/// <summary>The real trainer (<c>dotnet SotopiaPi.Trainer.dll …</c>, built next to the tests) as a child
/// process, with its output captured for assertions and failure messages.</summary>
public static class TrainerProcess
{
    public static DotnetProcess Start(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "trainer", "SotopiaPi.Trainer.dll");
        if (!File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new FileNotFoundException($"The trainer executable was not built next to the tests: {dll} (and its .runtimeconfig.json)");
        }
        return DotnetProcess.Start(Path.Combine("trainer", "SotopiaPi.Trainer.dll"), arguments, environment);
    }
}
