using System.Collections.Concurrent;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>A bounded per-instance cache of <see cref="TaskText"/> by (scenario, goal): the same task is seen
/// on every turn of every episode that plays it, and deriving its texts takes a few regular expressions.</summary>
internal sealed class TaskTextCache
{
    private const int Capacity = 4096;

    private readonly ConcurrentDictionary<(string Scenario, string Goal), TaskText> _entries = new();

    public TaskText Get(string scenario, string goal)
    {
        var key = (scenario ?? "", goal ?? "");
        if (_entries.TryGetValue(key, out var text))
        {
            return text;
        }
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }
        text = TaskText.Create(key.Item1, key.Item2);
        _entries.TryAdd(key, text);
        return text;
    }
}
