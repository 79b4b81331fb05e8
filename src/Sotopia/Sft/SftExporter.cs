using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Sotopia.Filtering;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Sft;

/// <summary>Turns filtered trajectories into supervised fine-tuning examples (reference §d4): one example per turn of
/// the chosen seat (its <c>none</c> turns and the turn it left included), the prompt being exactly what
/// <see cref="AgentPromptRenderer"/> renders for that seat at that turn given the turns before it, and the output
/// the JSON answer <c>{"action_type": "…", "argument": "…"}</c>. The partner's turns are only context.</summary>
/// <remarks>The exporter depends on no store: it is given a function that loads an episode's setup and turns.
/// Deterministic for the same inputs and options.</remarks>
public static class SftExporter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds the examples of <paramref name="trajectories"/>.</summary>
    /// <param name="trajectories">What the filter kept.</param>
    /// <param name="loadEpisode">Loads an episode by id (called once per trajectory).</param>
    /// <param name="options">Export options; <see cref="SftOptions.Default"/> if null.</param>
    /// <exception cref="InvalidDataException">An episode's turns are not a well-formed sequence (message names the episode).</exception>
    public static SftExport Build(IEnumerable<FilteredTrajectory> trajectories, Func<string, SftEpisode> loadEpisode, SftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trajectories);
        ArgumentNullException.ThrowIfNull(loadEpisode);
        options ??= SftOptions.Default;
        var promptOptions = new PromptOptions { MaxPromptTokens = options.MaxPromptTokens, TokenEstimator = options.TokenEstimator };

        var examples = new List<SftExample>();
        int trajectoryCount = 0, truncated = 0, droppedNone = 0;
        foreach (var trajectory in trajectories)
        {
            trajectoryCount++;
            var episode = loadEpisode(trajectory.EpisodeId)
                ?? throw new InvalidDataException($"Episode '{trajectory.EpisodeId}' could not be loaded.");
            foreach (var turn in episode.Turns.Where(t => t.Seat == trajectory.Seat))
            {
                if (options.DropNoneTurns && turn.Action.Type == ActionType.None)
                {
                    droppedNone++;
                    continue;
                }
                RenderedPrompt prompt;
                try
                {
                    var before = episode.Turns.Take(turn.Number).ToList();
                    prompt = AgentPromptRenderer.Build(episode.Setup, trajectory.Seat, before, turn.Number, promptOptions);
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidDataException($"Episode '{trajectory.EpisodeId}', turn {turn.Number}: {ex.Message}", ex);
                }
                if (prompt.Truncated)
                {
                    truncated++;
                }
                examples.Add(new SftExample(trajectory.EpisodeId, trajectory.ScenarioId, trajectory.Seat, turn.Number,
                    prompt.Text, OutputJson(turn.Action, options.ReproduceBracketQuirk), prompt.DroppedHistoryLines));
            }
        }
        if (options.ShuffleSeed is { } seed)
        {
            var random = new Random(seed);
            for (var i = examples.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (examples[i], examples[j]) = (examples[j], examples[i]);
            }
        }
        return new SftExport([.. examples], trajectoryCount, truncated, droppedNone);
    }

    /// <summary>The training target for an action: <c>{"action_type": "speak", "argument": "…"}</c>. The argument is
    /// empty for none and leave; with <paramref name="reproduceBracketQuirk"/> the argument of action and non-verbal
    /// communication keeps its rendering prefix (<c>"[action] …"</c>), as SOTOPIA-π's data did.</summary>
    public static string OutputJson(AgentAction action, bool reproduceBracketQuirk = false)
    {
        ArgumentNullException.ThrowIfNull(action);
        var argument = action.Type switch
        {
            ActionType.None or ActionType.Leave => "",
            ActionType.Action or ActionType.NonVerbalCommunication when reproduceBracketQuirk => ActionRenderer.BracketPrefix(action.Type) + action.Argument,
            _ => action.Argument,
        };
        return $"{{\"action_type\": {Quote(action.Type.ToWire())}, \"argument\": {Quote(argument)}}}";
    }

    /// <summary>One JSONL line (without the line break) for an example.</summary>
    public static string ToJsonLine(SftExample example, SftFormat format)
    {
        ArgumentNullException.ThrowIfNull(example);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            switch (format)
            {
                case SftFormat.Chat:
                    json.WriteStartArray("messages");
                    WriteMessage(json, "user", example.Prompt);
                    WriteMessage(json, "assistant", example.Output);
                    json.WriteEndArray();
                    break;
                case SftFormat.Alpaca:
                    json.WriteString("instruction", "");
                    json.WriteString("input", example.Prompt);
                    json.WriteString("output", example.Output);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown SFT format.");
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the examples as JSONL (one object per line, <c>\n</c> line ends). Returns how many were written.</summary>
    public static int WriteJsonl(IEnumerable<SftExample> examples, TextWriter writer, SftFormat format)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(writer);
        var count = 0;
        foreach (var example in examples)
        {
            writer.Write(ToJsonLine(example, format));
            writer.Write('\n');
            count++;
        }
        return count;
    }

    private static void WriteMessage(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", content);
        json.WriteEndObject();
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value, SotopiaJson.Options);
}
