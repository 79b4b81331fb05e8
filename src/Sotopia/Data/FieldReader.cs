using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Reads the fields of one JSON record, reporting every problem (with the record's file and line) instead
/// of throwing. After reading, <see cref="HasErrors"/> says whether the record must be skipped.</summary>
internal sealed class FieldReader
{
    private readonly JsonElement _record;
    private readonly DataProblemLog _problems;

    public FieldReader(JsonElement record, RecordOrigin origin, DataProblemLog problems)
    {
        _record = record;
        Origin = origin;
        _problems = problems;
    }

    public RecordOrigin Origin { get; }

    public bool HasErrors { get; private set; }

    public void Error(string? field, string message)
    {
        HasErrors = true;
        _problems.Add(Origin.Error(field, message));
    }

    public void Warning(string? field, string message) => _problems.Add(Origin.Warning(field, message));

    /// <summary>The first of <paramref name="names"/> that is present with a non-null value.</summary>
    public bool TryGet(IReadOnlyList<string> names, out JsonElement value, out string field)
    {
        foreach (var name in names)
        {
            if (_record.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            {
                field = name;
                return true;
            }
        }

        value = default;
        field = names[0];
        return false;
    }

    /// <summary>A record id: the first present of <paramref name="names"/>, else <paramref name="fallback"/> (the
    /// pk in a Redis-OM key), else an error.</summary>
    public string? RequiredId(string? fallback, out string field, params string[] names)
    {
        if (!TryGet(names, out _, out field) && !string.IsNullOrWhiteSpace(fallback))
        {
            return fallback;
        }

        return RequiredText(out field, names);
    }

    public string? RequiredText(string name) => RequiredText(out _, name);

    public string? RequiredText(out string field, params string[] names)
    {
        if (!TryGet(names, out var value, out field))
        {
            Error(field, "missing required field" + (names.Length > 1 ? $" (also accepted: {string.Join(", ", names.Skip(1))})" : ""));
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(field, $"expected a string, found {Describe(value)}");
            return null;
        }

        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            Error(field, "required field is empty");
            return null;
        }

        return text;
    }

    /// <summary>An optional string; missing or JSON null gives "" (other strings are kept as they are).</summary>
    public string Text(string name)
    {
        if (!TryGet([name], out var value, out _))
        {
            return "";
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(name, $"expected a string, found {Describe(value)}");
            return "";
        }

        return value.GetString()!;
    }

    /// <summary>An optional string where <c>nan</c>/<c>none</c>/<c>null</c>/"" mean null. A JSON array or object is
    /// kept as its JSON text (constraints are sometimes stored as lists rather than strings).</summary>
    public string? NullableText(string name)
    {
        if (!TryGet([name], out var value, out _))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString();
                return NullishText.IsNullish(text) ? null : text;
            case JsonValueKind.Array:
            case JsonValueKind.Object:
                return value.GetRawText();
            case JsonValueKind.Number when double.IsNaN(value.GetDouble()):
                return null;
            default:
                Error(name, $"expected a string or null, found {Describe(value)}");
                return null;
        }
    }

    /// <summary>An optional non-negative integer (a number, or a string holding one).</summary>
    public int Int(string name, int defaultValue)
    {
        if (!TryGet([name], out var value, out _))
        {
            return defaultValue;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var real)
            && real == Math.Floor(real) && real is >= 0 and <= int.MaxValue)
        {
            return (int)real;
        }

        if (value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        Error(name, $"expected a non-negative integer, found {Describe(value)}");
        return defaultValue;
    }

    /// <summary>An optional list of strings: items are trimmed and empty ones dropped. Also accepts a
    /// Python-literal list in a string, a comma-separated string, or a null-ish string (empty list).</summary>
    public ImmutableArray<string> TrimmedTextList(string name)
    {
        if (!TryGet([name], out var value, out _))
        {
            return [];
        }

        List<string>? items = null;
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (NullishText.IsNullish(text))
            {
                return [];
            }

            items = text.TrimStart().StartsWith('[') && PythonLiteral.TryParseStringList(text, out var parsed, out _)
                ? parsed
                : [.. text.Split(',')];
        }
        else
        {
            items = ReadStringArray(name, value, "a list of strings");
            if (items is null)
            {
                return [];
            }
        }

        return [.. items.Select(s => s.Trim()).Where(s => s.Length > 0)];
    }

    /// <summary>A required list of strings kept as they are (a JSON array, or a Python-literal list in a string);
    /// null when missing or malformed (an error is reported).</summary>
    public List<string>? RequiredTextList(string name, string what)
    {
        if (!TryGet([name], out var value, out _))
        {
            Error(name, "missing required field");
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            if (PythonLiteral.TryParseStringList(value.GetString()!, out var parsed, out _))
            {
                return parsed;
            }

            Error(name, $"expected {what}, found a string that is not a list");
            return null;
        }

        return ReadStringArray(name, value, what);
    }

    /// <summary>A required <see cref="RelationshipType"/>.</summary>
    public RelationshipType? RequiredRelationship(string name)
    {
        if (!TryGet([name], out var value, out _))
        {
            Error(name, "missing required field");
            return null;
        }

        var ok = false;
        var type = RelationshipType.Stranger;
        if (value.ValueKind == JsonValueKind.Number)
        {
            ok = value.TryGetInt64(out var number) && RelationshipTypeText.TryParse(number, out type);
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            ok = RelationshipTypeText.TryParse(value.GetString()!, out type);
        }

        if (!ok)
        {
            var shown = value.ValueKind == JsonValueKind.String ? $"'{value.GetString()}'" : value.GetRawText();
            Error(name, $"unknown relationship {shown} ({RelationshipTypeText.Expected})");
            return null;
        }

        return type;
    }

    /// <summary>An optional list of lists of strings (a scenario's agent constraint); null-ish gives null.</summary>
    public ImmutableArray<ImmutableArray<string>>? StringLists(string name)
    {
        if (!TryGet([name], out var value, out _))
        {
            return null;
        }

        List<List<string>> lists;
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (NullishText.IsNullish(text))
            {
                return null;
            }

            if (!PythonLiteral.TryParseStringLists(text, out lists, out var error))
            {
                Error(name, $"expected null or a list of lists of character ids, found '{text}' ({error})");
                return null;
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            lists = [];
            foreach (var item in value.EnumerateArray())
            {
                var inner = item.ValueKind == JsonValueKind.Array ? ReadStringArray(name, item, "a list of lists of character ids") : null;
                if (inner is null)
                {
                    if (item.ValueKind != JsonValueKind.Array)
                    {
                        Error(name, $"expected null or a list of lists of character ids, found an item that is {Describe(item)}");
                    }

                    return null;
                }

                lists.Add(inner);
            }
        }
        else
        {
            Error(name, $"expected null or a list of lists of character ids, found {Describe(value)}");
            return null;
        }

        return [.. lists.Select(inner => inner.Select(s => s.Trim()).ToImmutableArray())];
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string '{Shorten(value.GetString()!)}'",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    public static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

    private List<string>? ReadStringArray(string name, JsonElement value, string what)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(name, $"expected {what}, found {Describe(value)}");
            return null;
        }

        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                Error(name, $"expected {what}, found an item that is {Describe(item)}");
                return null;
            }

            items.Add(item.GetString()!);
        }

        return items;
    }
}
