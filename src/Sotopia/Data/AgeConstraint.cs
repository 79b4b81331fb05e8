using System.Collections.Immutable;
using System.Globalization;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Parses a scenario's age constraint: a Python-literal list with one (min, max) range per seat, as
/// SOTOPIA stores it (<c>"[(18, 70), (18, 70)]"</c>). A null, empty or null-ish text means "no constraint",
/// and so does the default <see cref="Scenario.DefaultAgeConstraint"/> for the sampler (as in the original).</summary>
public static class AgeConstraint
{
    /// <summary>The ranges of <see cref="Scenario.DefaultAgeConstraint"/>: (18, 70) for both seats.</summary>
    public static ImmutableArray<AgeRange> Default { get; } = [new AgeRange(18, 70), new AgeRange(18, 70)];

    /// <summary>Parses <paramref name="text"/>. On success <paramref name="ranges"/> holds exactly two ranges
    /// (seat 0, seat 1), or is empty when the text is null, blank or null-ish (<c>nan</c>, <c>none</c>…).
    /// On failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string? text, out ImmutableArray<AgeRange> ranges, out string? error)
    {
        ranges = [];
        error = null;
        if (NullishText.IsNullish(text))
        {
            return true;
        }

        if (!PythonLiteral.TryParse(text!, out var value, out var literalError))
        {
            error = $"'{text}' is not a list of (min, max) age ranges like {Scenario.DefaultAgeConstraint}: {literalError}";
            return false;
        }

        if (value is not List<object?> list)
        {
            error = $"'{text}' is not a list of (min, max) age ranges like {Scenario.DefaultAgeConstraint}";
            return false;
        }

        if (list.Count != 2)
        {
            error = $"'{text}' has {list.Count.ToString(CultureInfo.InvariantCulture)} age range(s); expected exactly 2 (one per seat)";
            return false;
        }

        var builder = ImmutableArray.CreateBuilder<AgeRange>(2);
        foreach (var item in list)
        {
            if (item is not List<object?> { Count: 2 } pair || pair[0] is not long min || pair[1] is not long max)
            {
                error = $"'{text}': each age range must be a pair of integers like (18, 70)";
                return false;
            }

            if (min < 0 || max > 1000 || min > max)
            {
                error = $"'{text}': age range ({min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}) is not a valid range (0 <= min <= max)";
                return false;
            }

            builder.Add(new AgeRange((int)min, (int)max));
        }

        ranges = builder.MoveToImmutable();
        return true;
    }

    /// <summary>True when <paramref name="ranges"/> restricts nothing for the sampler: empty (no constraint) or
    /// equal to <see cref="Default"/>.</summary>
    public static bool IsUnconstrained(ImmutableArray<AgeRange> ranges) =>
        ranges.IsDefaultOrEmpty || ranges.SequenceEqual(Default);

    /// <summary>Formats ranges the way SOTOPIA writes them, e.g. <c>[(21, 70), (21, 70)]</c>.</summary>
    public static string Format(IEnumerable<AgeRange> ranges) =>
        "[" + string.Join(", ", ranges.Select(r => string.Create(CultureInfo.InvariantCulture, $"({r.Min}, {r.Max})"))) + "]";
}
