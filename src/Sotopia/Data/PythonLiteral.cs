using System.Globalization;
using System.Text;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Reads the small Python literals SOTOPIA stores inside strings (<c>"[(18, 70), (18, 70)]"</c>,
/// <c>"[['a'], ['b']]"</c>): integers, quoted strings, <c>None</c>, lists and tuples. JSON arrays of numbers
/// and strings are a subset, so <c>[[18,70],[18,70]]</c> reads too. Lists and tuples both become
/// <see cref="List{T}"/> of values; integers become <see cref="long"/>; <c>None</c> becomes null.</summary>
internal sealed class PythonLiteral
{
    private readonly string _text;
    private int _position;

    private PythonLiteral(string text)
    {
        _text = text;
    }

    public static bool TryParse(string text, out object? value, out string? error)
    {
        var parser = new PythonLiteral(text);
        try
        {
            value = parser.ReadValue();
            parser.SkipSpace();
            if (parser._position != text.Length)
            {
                throw parser.Fail("unexpected text after the value");
            }

            error = null;
            return true;
        }
        catch (FormatException exception)
        {
            value = null;
            error = exception.Message;
            return false;
        }
    }

    /// <summary>Reads a list of lists of strings, e.g. <c>[['id1', 'id2'], ['id3']]</c>.</summary>
    public static bool TryParseStringLists(string text, out List<List<string>> lists, out string? error)
    {
        lists = [];
        if (!TryParse(text, out var value, out error))
        {
            return false;
        }

        if (value is not List<object?> outer)
        {
            error = "expected a list of lists";
            return false;
        }

        foreach (var item in outer)
        {
            if (item is not List<object?> inner || inner.Any(x => x is not string))
            {
                error = "expected a list of lists of strings";
                return false;
            }

            lists.Add(inner.Cast<string>().ToList());
        }

        return true;
    }

    /// <summary>Reads a flat list of strings, e.g. <c>['Care', 'Fairness']</c>.</summary>
    public static bool TryParseStringList(string text, out List<string> items, out string? error)
    {
        items = [];
        if (!TryParse(text, out var value, out error))
        {
            return false;
        }

        if (value is not List<object?> list || list.Any(x => x is not string))
        {
            error = "expected a list of strings";
            return false;
        }

        items = list.Cast<string>().ToList();
        return true;
    }

    private object? ReadValue()
    {
        SkipSpace();
        if (_position >= _text.Length)
        {
            throw Fail("unexpected end of text");
        }

        var c = _text[_position];
        return c switch
        {
            '[' => ReadSequence(']'),
            '(' => ReadSequence(')'),
            '\'' or '"' => ReadString(c),
            '-' or '+' or (>= '0' and <= '9') => ReadInteger(),
            _ => ReadWord(),
        };
    }

    private List<object?> ReadSequence(char close)
    {
        _position++;
        var items = new List<object?>();
        while (true)
        {
            SkipSpace();
            if (_position < _text.Length && _text[_position] == close)
            {
                _position++;
                return items;
            }

            items.Add(ReadValue());
            SkipSpace();
            if (_position >= _text.Length)
            {
                throw Fail($"missing '{close}'");
            }

            if (_text[_position] == ',')
            {
                _position++;
            }
            else if (_text[_position] != close)
            {
                throw Fail($"expected ',' or '{close}'");
            }
        }
    }

    private string ReadString(char quote)
    {
        var start = _position;
        _position++;
        var builder = new StringBuilder();
        while (_position < _text.Length)
        {
            var c = _text[_position++];
            if (c == quote)
            {
                return builder.ToString();
            }

            if (c == '\\' && _position < _text.Length)
            {
                var escaped = _text[_position++];
                builder.Append(escaped switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    _ => escaped,
                });
            }
            else
            {
                builder.Append(c);
            }
        }

        _position = start;
        throw Fail("unterminated string");
    }

    private long ReadInteger()
    {
        var start = _position;
        if (_text[_position] is '-' or '+')
        {
            _position++;
        }

        while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
        {
            _position++;
        }

        var token = _text[start.._position];
        if (!long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            _position = start;
            throw Fail($"'{token}' is not an integer");
        }

        return number;
    }

    private object? ReadWord()
    {
        var start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] == '_'))
        {
            _position++;
        }

        var word = _text[start.._position];
        if (word is "None" or "null")
        {
            return null;
        }

        _position = start;
        throw Fail(word.Length == 0 ? $"unexpected '{_text[start]}'" : $"unexpected word '{word}' (strings must be quoted)");
    }

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private FormatException Fail(string message) =>
        new($"{message} at character {(_position + 1).ToString(CultureInfo.InvariantCulture)}");
}
