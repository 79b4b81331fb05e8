using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api;

/// <summary>The API's JSON: <see cref="Grains.Interfaces.SotopiaJson"/>'s shape (snake_case names, enums as
/// snake_case strings) for answers, and a strict reader for request bodies that names every wrong field
/// (unknown fields, wrong types, enum values that do not exist, nulls where a value is required).</summary>
internal static partial class ApiJson
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        AllowDuplicateProperties = false,
    };

    /// <summary>Options for reading request bodies: unknown members are errors, nullable annotations respected.</summary>
    public static JsonSerializerOptions Strict { get; } = CreateStrict();

    /// <summary>Gives <paramref name="options"/> the SotopiaJson shape (used for HTTP answers).</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.AllowTrailingCommas = true;
        options.ReadCommentHandling = JsonCommentHandling.Skip;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    /// <summary>Reads the request body as <typeparamref name="T"/>. On failure <c>Value</c> is null and
    /// <c>Errors</c> names every wrong field (JSON path without <c>$.</c>, e.g. <c>filter.top_k</c>).</summary>
    public static async Task<(T? Value, Dictionary<string, string[]> Errors)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, NodeOptions, DocumentOptions, cancellationToken);
        }
        catch (JsonException ex)
        {
            var empty = ex.BytePositionInLine == 0 && ex.LineNumber == 0 && request.ContentLength is null or 0;
            if (DuplicatePattern().Match(ex.Message) is { Success: true } duplicate)
            {
                Add(errors, duplicate.Groups[1].Value, "is given more than once");
            }
            else
            {
                Add(errors, "body", empty
                    ? "a JSON object is required"
                    : $"not valid JSON at line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}");
            }
            return (null, Freeze(errors));
        }
        if (node is not JsonObject root)
        {
            Add(errors, "body", "must be a JSON object");
            return (null, Freeze(errors));
        }

        var typeInfo = Strict.GetTypeInfo(typeof(T));
        CheckMembers(root, typeInfo, "", errors);
        if (errors.Count > 0)
        {
            return (null, Freeze(errors));
        }
        try
        {
            return (root.Deserialize<T>(Strict), Freeze(errors));
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex.Path);
            Add(errors, field.Length == 0 ? "body" : field, Describe(typeInfo, field, root));
            return (null, Freeze(errors));
        }
    }

    /// <summary>The allowed wire names of an enum type.</summary>
    public static IReadOnlyList<string> EnumNames(Type enumType) =>
        [.. Enum.GetNames(enumType).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)];

    /// <summary>Parses an enum's wire name (snake_case), or null.</summary>
    public static TEnum? ParseEnum<TEnum>(string text) where TEnum : struct, Enum
    {
        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (string.Equals(JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        return null;
    }

    /// <summary>A listing's <c>cursor</c> query parameter: null when absent or blank; otherwise the cursor, or null with
    /// an error under <c>cursor</c> when it is not one an API handed out.</summary>
    public static EpisodeCursor? ParseCursor(string? text, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (!EpisodeCursor.TryParse(text.Trim(), out var cursor))
        {
            errors["cursor"] = ["is not a cursor this API handed out (use a page's next_cursor as it is)"];
        }
        return cursor;
    }

    private static void CheckMembers(JsonObject json, JsonTypeInfo typeInfo, string prefix, Dictionary<string, List<string>> errors)
    {
        var members = typeInfo.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (name, value) in json)
        {
            var path = prefix + name;
            if (!members.TryGetValue(name, out var member))
            {
                Add(errors, path, $"unknown field (known fields: {string.Join(", ", members.Keys.Order(StringComparer.Ordinal))})");
                continue;
            }
            var type = Nullable.GetUnderlyingType(member.PropertyType) ?? member.PropertyType;
            if (value is null)
            {
                if (member.PropertyType.IsValueType ? Nullable.GetUnderlyingType(member.PropertyType) is null : !member.IsSetNullable)
                {
                    Add(errors, path, "must not be null");
                }
                continue;
            }
            var kind = value.GetValueKind();
            if (type.IsEnum)
            {
                // The enum converter also takes numbers; the API takes only the names.
                if (kind != JsonValueKind.String || !EnumNames(type).Contains(value.GetValue<string>(), StringComparer.Ordinal))
                {
                    Add(errors, path, $"'{value.ToJsonString()}' is not one of {string.Join(", ", EnumNames(type))}");
                }
                continue;
            }
            var problem = KindProblem(type, kind, value);
            if (problem is not null)
            {
                Add(errors, path, problem);
                continue;
            }
            if (value is JsonObject child && type != typeof(object))
            {
                var childInfo = Strict.GetTypeInfo(type);
                if (childInfo.Kind == JsonTypeInfoKind.Object)
                {
                    CheckMembers(child, childInfo, path + ".", errors);
                }
            }
        }
    }

    /// <summary>What is wrong with a JSON value for a member of <paramref name="type"/>, or null.</summary>
    private static string? KindProblem(Type type, JsonValueKind kind, JsonNode value)
    {
        if (type == typeof(int) || type == typeof(long))
        {
            var fits = kind == JsonValueKind.Number && (type == typeof(int) ? value.AsValue().TryGetValue<int>(out _) : value.AsValue().TryGetValue<long>(out _));
            if (fits)
            {
                return null;
            }
            var outside = kind == JsonValueKind.Number && value.AsValue().TryGetValue<double>(out var number) && number == Math.Floor(number)
                && (type == typeof(int) ? number is < int.MinValue or > int.MaxValue : number is < long.MinValue or > long.MaxValue);
            return outside ? (type == typeof(int) ? $"is outside {int.MinValue}..{int.MaxValue}" : "is too large") : "must be a whole number";
        }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return kind == JsonValueKind.Number ? null : "must be a number";
        }
        if (type == typeof(bool))
        {
            return kind is JsonValueKind.True or JsonValueKind.False ? null : "must be true or false";
        }
        if (type == typeof(string))
        {
            return kind == JsonValueKind.String ? null : "must be a string";
        }
        return Strict.GetTypeInfo(type).Kind switch
        {
            JsonTypeInfoKind.Enumerable when kind != JsonValueKind.Array => "must be a list",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary when kind != JsonValueKind.Object => "must be an object",
            _ => null,
        };
    }

    private static string Describe(JsonTypeInfo root, string field, JsonObject json)
    {
        var segments = field.Split('.', StringSplitOptions.RemoveEmptyEntries);
        JsonNode? node = json;
        var info = root;
        Type? type = null;
        foreach (var raw in segments)
        {
            var name = raw.Split('[')[0];
            node = node is JsonObject o && o.TryGetPropertyValue(name, out var child) ? child : null;
            var member = info?.Properties.FirstOrDefault(p => p.Name == name);
            type = member?.PropertyType;
            info = type is null ? null : Strict.GetTypeInfo(type);
        }
        if (segments.Length > 0 && segments[^1].Contains('[', StringComparison.Ordinal))
        {
            return "has an item of the wrong type";
        }
        if (node is null && segments.Length > 0)
        {
            return "must not be null";
        }
        var underlying = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            null => "has the wrong type",
            { IsEnum: true } => $"'{node}' is not one of {string.Join(", ", EnumNames(underlying))}",
            _ when underlying == typeof(int) || underlying == typeof(long) => "must be a whole number",
            _ when underlying == typeof(double) || underlying == typeof(float) || underlying == typeof(decimal) => "must be a number",
            _ when underlying == typeof(bool) => "must be true or false",
            _ when underlying == typeof(string) => "must be a string",
            _ when info?.Kind is JsonTypeInfoKind.Enumerable => "must be a list",
            _ when info?.Kind is JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Object => "must be an object",
            _ => "has the wrong type",
        };
    }

    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "";
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }
        list.Add(message);
    }

    private static Dictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    [GeneratedRegex("Duplicate property '([^']+)'")]
    private static partial Regex DuplicatePattern();

    private static JsonSerializerOptions CreateStrict()
    {
        var options = new JsonSerializerOptions
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        Apply(options);
        options.MakeReadOnly();
        return options;
    }
}
