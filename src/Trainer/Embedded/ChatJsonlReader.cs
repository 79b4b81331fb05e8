using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SotopiaPi.Trainer.Embedded;

/// <summary>Reads SFT chat JSONL: one <c>{"messages":[{"role":"user","content":…},{"role":"assistant","content":…}]}</c>
/// object per line (an optional leading system message is ignored; blank lines are skipped). A bad line throws
/// <see cref="FormatException"/> naming the file and line and what is wrong.</summary>
public static class ChatJsonlReader
{
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Reads every example of a file.</summary>
    public static async Task<IReadOnlyList<ChatExample>> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Training data file '{path}' does not exist.", path);
        }
        using var reader = new StreamReader(path);
        var examples = new List<ChatExample>();
        await foreach (var example in ReadAsync(reader, path, cancellationToken))
        {
            examples.Add(example);
        }
        return examples;
    }

    /// <summary>Streams the examples of a reader; <paramref name="source"/> names it in errors.</summary>
    public static async IAsyncEnumerable<ChatExample> ReadAsync(TextReader reader, string source, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            yield return ParseLine(line, source, lineNumber);
        }
    }

    /// <summary>Parses one line (see the class summary).</summary>
    public static ChatExample ParseLine(string line, string source, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, Options);
        }
        catch (JsonException ex)
        {
            throw Error(source, lineNumber, $"not valid JSON ({ex.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages", out var messages))
            {
                throw Error(source, lineNumber, "missing field 'messages'");
            }
            if (messages.ValueKind != JsonValueKind.Array)
            {
                throw Error(source, lineNumber, "field 'messages' must be an array");
            }
            string? user = null;
            string? assistant = null;
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    throw Error(source, lineNumber, $"messages[{index}] must be an object");
                }
                if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                {
                    throw Error(source, lineNumber, $"messages[{index}].role must be a string");
                }
                if (!message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                {
                    throw Error(source, lineNumber, $"messages[{index}].content must be a string");
                }
                switch (role.GetString())
                {
                    case "system":
                        break;
                    case "user" when user is null:
                        user = content.GetString();
                        break;
                    case "assistant" when user is not null && assistant is null:
                        assistant = content.GetString();
                        break;
                    default:
                        throw Error(source, lineNumber,
                            $"messages[{index}].role '{role.GetString()}' is unexpected (expected one user message then one assistant message)");
                }
                index++;
            }
            if (user is null)
            {
                throw Error(source, lineNumber, "no message with role 'user'");
            }
            if (assistant is null)
            {
                throw Error(source, lineNumber, "no message with role 'assistant' after the user message");
            }
            return new ChatExample(user, assistant, source, lineNumber);
        }
    }

    private static FormatException Error(string source, int line, string what) =>
        new($"{source}:{line}: {what}.");
}
