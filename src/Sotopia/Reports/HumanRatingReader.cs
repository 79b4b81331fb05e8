using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Reads human ratings from CSV (a header row, then one rating per row) or JSONL (one JSON object per
/// line) with the fields of <see cref="HumanRatingFields"/>: <c>episode_id</c>, <c>seat</c> (1 or 2),
/// <c>annotator</c>, any of the 7 dimension keys with integer scores in their ranges (at least one), and an
/// optional <c>comment</c>. Bad content never throws: every problem is returned with its file, line and field.</summary>
public static class HumanRatingReader
{
    /// <summary>Reads a file; the format follows the extension (<c>.csv</c>; <c>.jsonl</c>, <c>.ndjson</c>,
    /// <c>.json</c>) or, for other names, the first character (<c>{</c> means JSONL). Throws
    /// <see cref="DataLoadException"/> only when the file cannot be read.</summary>
    public static HumanRatingImport Read(string path) => Parse(path, ReadText(path));

    /// <summary>A ratings file's text. Throws <see cref="DataLoadException"/> when the file cannot be read.</summary>
    public static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DataLoadException($"{path}: cannot read the human ratings file: {ex.Message}", ex);
        }
    }

    /// <summary>Ratings from the text of the file <paramref name="path"/>, in the format <see cref="IsJsonl"/> tells.</summary>
    public static HumanRatingImport Parse(string path, string text) =>
        IsJsonl(path, text) ? ParseJsonl(path, text) : ParseCsv(path, text);

    /// <summary>Whether a ratings file is JSONL: by its extension (<c>.csv</c>; <c>.jsonl</c>, <c>.ndjson</c>,
    /// <c>.json</c>), else by its first character (<c>{</c>).</summary>
    public static bool IsJsonl(string path, string text) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => false,
        ".jsonl" or ".ndjson" or ".json" => true,
        _ => text.TrimStart().StartsWith('{'),
    };

    public static HumanRatingImport ParseCsv(string file, string text)
    {
        var problems = new List<DataProblem>();
        var ratings = new List<HumanRating>();
        string[]? header = null;
        foreach (var (line, fields, error) in CsvRecords(text))
        {
            if (error is not null)
            {
                problems.Add(Error(file, line, null, error));
                continue;
            }
            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            if (header is null)
            {
                header = [.. fields.Select(f => f.Trim().ToLowerInvariant())];
                CheckHeader(file, line, header, problems);
                continue;
            }
            if (fields.Count != header.Length)
            {
                problems.Add(Error(file, line, null, $"has {fields.Count} fields, the header has {header.Length}"));
                continue;
            }
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                values[header[i]] = fields[i].Trim();
            }
            if (ToRating(file, line, values, problems) is { } rating)
            {
                ratings.Add(rating);
            }
        }
        if (header is null)
        {
            problems.Add(Error(file, null, null, $"is empty; expected a header row ({string.Join(",", HumanRatingFields.Required)},<dimension keys>…) and one rating per row"));
        }
        return Finish(file, ratings, problems);
    }

    /// <summary>The CSV records (CsvHelper's RFC 4180 parser) with the 1-based line each starts on; a record with
    /// a quote CsvHelper calls bad data carries an error instead of being read as something else.</summary>
    private static IEnumerable<(int Line, IReadOnlyList<string> Fields, string? Error)> CsvRecords(string text)
    {
        string? badField = null;
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Mode = CsvMode.RFC4180,
            // Blank lines come back as one empty field, so every record starts on the line after the previous one.
            IgnoreBlankLines = false,
            TrimOptions = TrimOptions.Trim,
            BadDataFound = args => badField ??= args.Field,
        };
        using var parser = new CsvParser(new StringReader(text), configuration);
        var nextLine = 1;
        while (parser.Read())
        {
            var line = nextLine;
            nextLine = parser.RawRow + 1;
            // CsvHelper parses the fields (and reports bad data) when the record is read.
            var fields = parser.Record ?? [];
            string? error = null;
            if (badField is { } bad)
            {
                var unclosed = bad.TrimStart().StartsWith('"') && bad.Count(c => c == '"') % 2 == 1;
                error = unclosed
                    ? "a quoted field is not closed before the end of the file"
                    : $"a field has a quote that is not RFC 4180 (quote the whole field and double the quotes in it): {bad.Trim()}";
                badField = null;
            }
            yield return (line, fields, error);
        }
    }

    public static HumanRatingImport ParseJsonl(string file, string text)
    {
        var problems = new List<DataProblem>();
        var ratings = new List<HumanRating>();
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = index + 1;
            var content = lines[index].Trim();
            if (content.Length == 0)
            {
                continue;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(content);
            }
            catch (JsonException ex)
            {
                problems.Add(Error(file, line, null, $"is not valid JSON: {ex.Message}"));
                continue;
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(Error(file, line, null, $"must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}"));
                    continue;
                }
                var values = new Dictionary<string, string?>(StringComparer.Ordinal);
                var typeErrors = false;
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    var name = property.Name.Trim().ToLowerInvariant();
                    if (!HumanRatingFields.All.Contains(name))
                    {
                        problems.Add(Error(file, line, property.Name, $"is not a field of the human ratings format (fields: {string.Join(", ", HumanRatingFields.All)})"));
                        typeErrors = true;
                        continue;
                    }
                    switch (property.Value.ValueKind)
                    {
                        case JsonValueKind.String:
                            values[name] = property.Value.GetString()!.Trim();
                            break;
                        case JsonValueKind.Number:
                            values[name] = property.Value.GetRawText();
                            break;
                        case JsonValueKind.Null:
                            values[name] = null;
                            break;
                        default:
                            problems.Add(Error(file, line, name, $"must be a string or a number, not {property.Value.ValueKind.ToString().ToLowerInvariant()}"));
                            typeErrors = true;
                            break;
                    }
                }
                if (!typeErrors && ToRating(file, line, values, problems) is { } rating)
                {
                    ratings.Add(rating);
                }
            }
        }
        if (ratings.Count == 0 && problems.Count == 0)
        {
            problems.Add(Error(file, null, null, "holds no ratings; expected one JSON object per line"));
        }
        return Finish(file, ratings, problems);
    }

    private static void CheckHeader(string file, int line, string[] header, List<DataProblem> problems)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in header)
        {
            if (!HumanRatingFields.All.Contains(name))
            {
                problems.Add(Error(file, line, name, $"is not a field of the human ratings format (fields: {string.Join(", ", HumanRatingFields.All)})"));
            }
            else if (!seen.Add(name))
            {
                problems.Add(Error(file, line, name, "appears twice in the header"));
            }
        }
        foreach (var required in HumanRatingFields.Required.Where(r => !seen.Contains(r)))
        {
            problems.Add(Error(file, line, required, "is missing from the header"));
        }
        if (!DimensionInfo.All.Any(d => seen.Contains(d.Key)))
        {
            problems.Add(Error(file, line, null, $"names no dimension column; add at least one of {string.Join(", ", DimensionInfo.All.Select(d => d.Key))}"));
        }
    }

    private static HumanRating? ToRating(string file, int line, Dictionary<string, string?> values, List<DataProblem> problems)
    {
        var before = problems.Count;
        var episodeId = Text(HumanRatingFields.EpisodeId);
        var annotator = Text(HumanRatingFields.Annotator);
        int seat = -1;
        var seatText = values.GetValueOrDefault(HumanRatingFields.Seat);
        if (string.IsNullOrEmpty(seatText))
        {
            problems.Add(Error(file, line, HumanRatingFields.Seat, "is missing; give 1 (the agent who speaks first) or 2"));
        }
        else if (seatText is "1" or "2")
        {
            seat = seatText == "1" ? 0 : 1;
        }
        else
        {
            problems.Add(Error(file, line, HumanRatingFields.Seat, $"'{seatText}' is not 1 or 2"));
        }

        var scores = new int?[DimensionInfo.Count];
        foreach (var info in DimensionInfo.All)
        {
            var raw = values.GetValueOrDefault(info.Key);
            if (string.IsNullOrEmpty(raw))
            {
                continue;
            }
            if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var score))
            {
                problems.Add(Error(file, line, info.Key, $"'{raw}' is not an integer"));
            }
            else if (!info.Contains(score))
            {
                problems.Add(Error(file, line, info.Key, $"{score} is outside the range {info.Min}..{info.Max}"));
            }
            else
            {
                scores[(int)info.Dimension] = score;
            }
        }
        if (problems.Count == before && scores.All(s => s is null))
        {
            problems.Add(Error(file, line, null, $"rates no dimension; give at least one of {string.Join(", ", DimensionInfo.All.Select(d => d.Key))}"));
        }
        return problems.Count == before ? new HumanRating(episodeId!, seat, annotator!, [.. scores], file, line) : null;

        string? Text(string field)
        {
            var value = values.GetValueOrDefault(field);
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add(Error(file, line, field, "is missing or empty"));
                return null;
            }
            return value;
        }
    }

    private static HumanRatingImport Finish(string file, List<HumanRating> ratings, List<DataProblem> problems)
    {
        var first = new Dictionary<(string, int, string), int>();
        foreach (var rating in ratings)
        {
            if (!first.TryAdd((rating.EpisodeId, rating.Seat, rating.Annotator), rating.Line))
            {
                problems.Add(Error(file, rating.Line, HumanRatingFields.Annotator,
                    $"'{rating.Annotator}' already rated seat {rating.Seat + 1} of episode '{rating.EpisodeId}' on line {first[(rating.EpisodeId, rating.Seat, rating.Annotator)]}"));
            }
        }
        return new HumanRatingImport(file, [.. ratings], [.. problems.OrderBy(p => p.Line ?? 0)]);
    }

    private static DataProblem Error(string file, int? line, string? field, string message) =>
        new(DataProblemSeverity.Error, file, line, field, message);
}
