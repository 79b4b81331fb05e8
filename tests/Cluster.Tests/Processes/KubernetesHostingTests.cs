using System.Globalization;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>Orleans' Kubernetes hosting is added only inside Kubernetes: with <c>KUBERNETES_SERVICE_HOST</c> set, a silo
/// process on PostgreSQL checks the pod settings it needs and refuses to start naming each unusable one; without it,
/// the same pod variables are ignored and the silo starts.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class KubernetesHostingTests(PostgresServerFixture server)
{
    [Fact]
    public async Task InsideKubernetesTheSiloChecksThePodSettingsAndOutsideItIgnoresThem()
    {
        var connectionString = await server.CreateDatabaseAsync();
        using var artifacts = new TempDirectory("sotopia-k8s");
        try
        {
            var podVariables = new Dictionary<string, string?>
            {
                ["ORLEANS_CLUSTER_ID"] = "another-cluster",
                ["ORLEANS_SERVICE_ID"] = "sotopia",
                ["POD_NAMESPACE"] = "sotopia",
                ["POD_IP"] = "127.0.0.1",
                ["SOTOPIA_ARTIFACTS"] = artifacts.Path,
                ["ASPNETCORE_URLS"] = null,
            };
            string[] arguments =
            [
                "--store", connectionString, "--urls", $"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}",
                "--Silo:SiloPort", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
                "--Silo:GatewayPort", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ];

            var inside = new Dictionary<string, string?>(podVariables) { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1" };
            var (exit, output) = await DotnetProcess.RunAsync("SotopiaPi.Silo.dll", arguments, inside, TimeSpan.FromMinutes(2));
            Assert.True(exit == 2, $"exit {exit}: {output}");
            Assert.Contains("ORLEANS_CLUSTER_ID: 'another-cluster' is not Silo:ClusterId 'sotopia'", output, StringComparison.Ordinal);
            Assert.Contains("POD_NAME: not set", output, StringComparison.Ordinal);
            Assert.DoesNotContain("ORLEANS_SERVICE_ID:", output, StringComparison.Ordinal);

            using var outside = DotnetProcess.Start("SotopiaPi.Silo.dll", arguments, podVariables);
            await Within.WaitAsync(outside.WhenOutputContainsAsync("Now listening on:"), TimeSpan.FromMinutes(2), "the silo outside Kubernetes to listen", () => outside.Output);
            Assert.DoesNotContain("ORLEANS_CLUSTER_ID", outside.Output, StringComparison.Ordinal);
        }
        finally
        {
            await server.DropDatabaseAsync(connectionString);
        }
    }
}
