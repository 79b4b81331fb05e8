using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Data;

/// <summary>Compares datasets field by field (records hold ImmutableArrays, which compare by reference, so
/// each record is compared through its JSON form, which has every property).</summary>
internal static class DatasetAssert
{
    public static void Equal(SotopiaDataset expected, SotopiaDataset actual)
    {
        Records(expected.Characters, actual.Characters);
        Records(expected.Relationships, actual.Relationships);
        Records(expected.Scenarios, actual.Scenarios);
        Records(expected.Tasks, actual.Tasks);
        Assert.Equal(expected.NamedSets.Keys.Order(StringComparer.Ordinal), actual.NamedSets.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, ids) in expected.NamedSets)
        {
            Assert.Equal(ids.ToArray(), actual.NamedSets[name].ToArray());
        }
    }

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, SotopiaJson.Options);

    private static void Records<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(Json(expected[i]), Json(actual[i]));
        }
    }
}
