using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Reads inspirational prompts for task generation from the files SOTOPIA-π drew them from (reference §d1),
/// in their published forms, or from a plain list:
/// <list type="bullet">
/// <item>Social-Chem-101 — TSV (or CSV) with a <c>situation</c> column → source <c>social_chemistry</c>;</item>
/// <item>Social IQa — JSONL with a <c>context</c> field → <c>social_iqa</c>;</item>
/// <item>NormBank — CSV with a <c>behavior</c> column → <c>normbank</c>;</item>
/// <item>SOTOPIA-π's own <c>inspirational_prompt.csv</c>/<c>used_prompt.csv</c> — a <c>prompt</c> column with a
/// per-row <c>source</c> (the delimiter, <c>,</c> <c>|</c> or tab, is detected from the header);</item>
/// <item>anything else — one keyword per line (<c>.txt</c>; blank lines and lines starting with <c>#</c> skipped) →
/// <c>keywords</c>.</item>
/// </list>
/// Empty values are skipped. Deduplication across files is <see cref="InspirationPool"/>'s job.</summary>
public static class InspirationReader
{
    /// <summary>Column or field names that hold the prompt, in order of preference, with the source they imply
    /// (null = a <c>source</c> column decides, else keywords).</summary>
    private static readonly (string Column, string? Source)[] TextColumns =
    [
        ("prompt", null),
        ("situation", InspirationSources.SocialChemistry),
        ("behavior", InspirationSources.NormBank),
        ("context", InspirationSources.SocialIqa),
        ("keyword", InspirationSources.Keywords),
        ("text", null),
    ];

    /// <exception cref="InspirationFormatException">The file is missing, or a line or its header cannot be read.</exception>
    public static IReadOnlyList<Inspiration> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new InspirationFormatException($"{path}: inspiration file not found.");
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        try
        {
            return extension switch
            {
                ".jsonl" => ReadJsonLines(path),
                ".json" => ReadJsonArray(path),
                ".tsv" => ReadDelimited(path, "\t"),
                ".csv" => ReadDelimited(path, DetectDelimiter(path)),
                _ => ReadKeywords(path),
            };
        }
        catch (IOException ex)
        {
            throw new InspirationFormatException($"{path}: cannot be read: {ex.Message}", ex);
        }
    }

    private static List<Inspiration> ReadKeywords(string path)
    {
        var result = new List<Inspiration>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }
            result.Add(new Inspiration(text, InspirationSources.Keywords, path, number));
        }
        return result;
    }

    private static List<Inspiration> ReadJsonLines(string path)
    {
        var result = new List<Inspiration>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new InspirationFormatException($"{path}: line {number}: not valid JSON: {ex.Message}", ex);
            }
            using (document)
            {
                if (FromJson(document.RootElement, path, number) is { } inspiration)
                {
                    result.Add(inspiration);
                }
            }
        }
        return result;
    }

    private static List<Inspiration> ReadJsonArray(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InspirationFormatException($"{path}: line {(ex.LineNumber ?? 0) + 1}: not valid JSON: {ex.Message}", ex);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new InspirationFormatException($"{path}: a .json inspiration file must be an array of strings or objects (use .jsonl for one object per line).");
            }
            var result = new List<Inspiration>();
            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                index++;
                if (item.ValueKind == JsonValueKind.String)
                {
                    var text = item.GetString()!.Trim();
                    if (text.Length > 0)
                    {
                        result.Add(new Inspiration(text, InspirationSources.Keywords, path, index));
                    }
                }
                else if (FromJson(item, path, index) is { } inspiration)
                {
                    result.Add(inspiration);
                }
            }
            return result;
        }
    }

    private static Inspiration? FromJson(JsonElement element, string path, int line)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InspirationFormatException($"{path}: line {line}: expected a JSON object, got {element.ValueKind.ToString().ToLowerInvariant()}.");
        }
        foreach (var (column, source) in TextColumns)
        {
            if (!element.TryGetProperty(column, out var value))
            {
                continue;
            }
            if (value.ValueKind is JsonValueKind.Null)
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                throw new InspirationFormatException($"{path}: line {line}: field \"{column}\" must be a string, got {value.ValueKind.ToString().ToLowerInvariant()}.");
            }
            var text = value.GetString()!.Trim();
            if (text.Length == 0)
            {
                return null;
            }
            var rowSource = element.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return new Inspiration(text, source ?? InspirationSources.Normalize(rowSource), path, line);
        }
        throw new InspirationFormatException(
            $"{path}: line {line}: no inspiration field; expected one of {string.Join(", ", TextColumns.Select(c => $"\"{c.Column}\""))} (found: {string.Join(", ", element.EnumerateObject().Select(p => $"\"{p.Name}\""))}).");
    }

    private static string DetectDelimiter(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? "";
        (string Delimiter, int Count)[] counts = [(",", header.Count(c => c == ',')), ("|", header.Count(c => c == '|')), ("\t", header.Count(c => c == '\t'))];
        var best = counts.OrderByDescending(c => c.Count).First();
        return best.Count == 0 ? "," : best.Delimiter;
    }

    private static List<Inspiration> ReadDelimited(string path, string delimiter)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter,
            // Social-Chem-101's TSV has unescaped quotes inside fields: read tab files literally.
            Mode = delimiter == "\t" ? CsvMode.NoEscape : CsvMode.RFC4180,
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            TrimOptions = TrimOptions.Trim,
        };
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, configuration);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            throw new InspirationFormatException($"{path}: line 1: the file is empty; expected a header row.");
        }
        var names = header.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var (textIndex, impliedSource) = FindTextColumn(names);
        if (textIndex < 0)
        {
            throw new InspirationFormatException(
                $"{path}: line 1: no inspiration column; expected one of {string.Join(", ", TextColumns.Select(c => c.Column))} (found: {string.Join(", ", header)}).");
        }
        var sourceIndex = Array.IndexOf(names, "source");
        var result = new List<Inspiration>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var text = csv.TryGetField<string>(textIndex, out var value) ? value?.Trim() ?? "" : "";
            if (text.Length == 0)
            {
                continue;
            }
            var source = impliedSource ?? InspirationSources.Normalize(sourceIndex >= 0 && csv.TryGetField<string>(sourceIndex, out var s) ? s : null);
            result.Add(new Inspiration(text, source, path, line));
        }
        return result;
    }

    private static (int Index, string? Source) FindTextColumn(string[] names)
    {
        foreach (var (column, source) in TextColumns)
        {
            var index = Array.IndexOf(names, column);
            if (index >= 0)
            {
                return (index, source);
            }
        }
        return (-1, null);
    }
}
