using SotopiaPi.TestInfrastructure;
namespace SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

/// <summary>The real <c>sotopia</c> console as a child process (the build copies sotopia.dll next to the tests).</summary>
internal static class SotopiaProcess
{
    public static DotnetProcess Start(params string[] arguments) => DotnetProcess.Start("sotopia.dll", arguments);
}
