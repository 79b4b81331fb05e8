namespace SotopiaPi.Sotopia.Prompts;

/// <summary>The line discipline of agent prompts: a prompt is a sequence of logical lines; a line break inside a
/// value (a scenario, a goal, an utterance…) is written as a line break followed by <see cref="Indent"/>, so every
/// physical line that starts with the indent continues the line before it. This keeps prompts readable and lets
/// <see cref="AgentPromptReader"/> read any value back exactly, whatever text it contains.</summary>
internal static class PromptLines
{
    public const string Indent = "  ";

    public static string Encode(string logicalLine) => logicalLine.Replace("\n", "\n" + Indent, StringComparison.Ordinal);

    /// <summary>The logical lines of <paramref name="text"/>, as views into it (see <see cref="Lines"/>).</summary>
    public static Lines Decode(string text) => new(text);

    /// <summary>A prompt's logical lines as views into its text: nothing is copied until a line is asked for as a
    /// string, and only a line with continuation lines is decoded into a new one (the simulator reads every prompt
    /// back, every turn, and needs a handful of its lines).</summary>
    public sealed class Lines
    {
        private readonly string _text;
        private readonly List<(int Start, int Length)> _ranges = [];
        private string?[]? _continued;

        internal Lines(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            _text = text;
            var position = 0;
            while (true)
            {
                var end = text.IndexOf('\n', position);
                var length = (end < 0 ? text.Length : end) - position;
                if (_ranges.Count > 0 && text.AsSpan(position, length).StartsWith(Indent, StringComparison.Ordinal))
                {
                    var (start, _) = _ranges[^1];
                    _ranges[^1] = (start, position + length - start);
                }
                else
                {
                    _ranges.Add((position, length));
                }
                if (end < 0)
                {
                    break;
                }
                position = end + 1;
            }
        }

        public int Count => _ranges.Count;

        /// <summary>Logical line <paramref name="index"/>, its continuation lines joined (a view, no copy, unless it has any).</summary>
        public ReadOnlySpan<char> this[int index]
        {
            get
            {
                var (start, length) = _ranges[index];
                var raw = _text.AsSpan(start, length);
                return raw.Contains('\n') ? Continued(index, raw) : raw;
            }
        }

        /// <summary>Logical line <paramref name="index"/> as a string.</summary>
        public string ToString(int index)
        {
            var (start, length) = _ranges[index];
            var raw = _text.AsSpan(start, length);
            return raw.Contains('\n') ? Continued(index, raw) : raw.ToString();
        }

        /// <summary>The first line at or after <paramref name="from"/> equal to <paramref name="line"/>, or -1.</summary>
        public int IndexOf(string line, int from = 0)
        {
            for (var i = from; i < Count; i++)
            {
                if (this[i].SequenceEqual(line))
                {
                    return i;
                }
            }
            return -1;
        }

        private string Continued(int index, ReadOnlySpan<char> raw)
        {
            _continued ??= new string?[Count];
            return _continued[index] ??= raw.ToString().Replace("\n" + Indent, "\n", StringComparison.Ordinal);
        }
    }
}
