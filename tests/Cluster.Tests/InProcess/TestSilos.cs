using System.Collections.Concurrent;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.InProcess;

/// <summary>What the in-process silos of one test cluster share (TestingHost builds silos from configurator types,
/// so they find their store by the key in their configuration).</summary>
internal static class TestSilos
{
    public const string KeySetting = "Sotopia:TestKey";
    public const string CapacitySetting = "Sotopia:Capacity";

    private static readonly ConcurrentDictionary<string, Shared> All = new(StringComparer.Ordinal);

    public static void Add(string key, Shared shared) => All[key] = shared;

    public static Shared Get(string key) => All.TryGetValue(key, out var shared)
        ? shared
        : throw new InvalidOperationException($"No test cluster registered its store under '{key}'.");

    public static void Remove(string key) => All.TryRemove(key, out _);

    /// <summary>The store, artifacts and (optionally) the gate every silo's policies pass.</summary>
    internal sealed record Shared(ObservedStore Store, IArtifactStore Artifacts, PolicyGate? Gate, CapturedLogs Logs);
}
