using System.Buffers;
using System.Globalization;
using System.Text;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Reads data files within <see cref="DataLimits"/>: only regular files, at most
/// <see cref="DataLimits.MaxFileBytes"/>, JSONL lines of at most <see cref="DataLimits.MaxLineBytes"/>, strict
/// UTF-8. It streams: nothing beyond one line (JSONL) or one capped file (JSON) is held in memory, and reading
/// stops at the first limit that is passed. A refused file or line becomes a <see cref="DataProblem"/> naming the
/// file, the line and the limit.</summary>
internal static class DataFileReader
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Strict: invalid bytes throw instead of turning into U+FFFD.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Opens <paramref name="path"/> for reading, or reports why not and returns null: not a regular
    /// file, or larger than the limit.</summary>
    /// <exception cref="DataLoadException">The file cannot be opened (permissions, I/O error).</exception>
    public static FileStream? Open(string path, string display, DataLimits limits, DataProblemLog problems)
    {
        if (FileKindProbe.DescribeIfSpecial(path) is { } kind)
        {
            problems.Add(new DataProblem(DataProblemSeverity.Error, display, null, null,
                $"not a regular file: '{path}' is {kind}; only regular files are read"));
            return null;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DataLoadException($"Cannot read '{path}': {exception.Message}", exception);
        }

        if (stream.Length > limits.MaxFileBytes)
        {
            problems.Add(TooLarge(display, null, limits.MaxFileBytes, $"'{path}' is {DataLimits.Describe(stream.Length)}, more than"));
            stream.Dispose();
            return null;
        }

        return stream;
    }

    /// <summary>Reads a whole JSON file (without a UTF-8 byte order mark), or reports why not and returns null:
    /// more than <see cref="DataLimits.MaxFileBytes"/>, or invalid UTF-8 (naming its line).</summary>
    public static byte[]? ReadJson(Stream stream, string display, DataLimits limits, DataProblemLog problems)
    {
        using var content = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = ReadChunk(stream, chunk, display)) > 0)
            {
                if (content.Length + read > limits.MaxFileBytes)
                {
                    problems.Add(TooLarge(display, null, limits.MaxFileBytes, "it holds more than"));
                    return null;
                }

                content.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        var bytes = content.GetBuffer().AsSpan(0, (int)content.Length);
        if (bytes.StartsWith(Utf8Bom))
        {
            bytes = bytes[3..];
        }

        if (FindInvalidUtf8(bytes) is int offset and >= 0)
        {
            var before = bytes[..offset];
            var line = before.Count((byte)'\n') + 1;
            var column = offset - (before.LastIndexOf((byte)'\n') + 1) + 1;
            problems.Add(new DataProblem(DataProblemSeverity.Error, display, line, null, InvalidUtf8(bytes[offset], column) + "; the file was not read"));
            return null;
        }

        return bytes.ToArray();
    }

    /// <summary>Reads JSONL: calls <paramref name="onLine"/> with each line's 1-based number and text (line breaks
    /// <c>\n</c>, <c>\r\n</c> or <c>\r</c>; a UTF-8 byte order mark at the start is dropped). A line with invalid
    /// UTF-8 is reported and skipped; a line longer than <see cref="DataLimits.MaxLineBytes"/> or a stream longer
    /// than <see cref="DataLimits.MaxFileBytes"/> is reported and reading stops there, having held at most one
    /// line in memory.</summary>
    public static void ReadLines(Stream stream, string display, DataLimits limits, DataProblemLog problems, Action<int, string> onLine)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var line = new ArrayBufferWriter<byte>();
        var number = 1;
        long total = 0;
        var skipLineFeed = false;
        try
        {
            int read;
            while ((read = ReadChunk(stream, chunk, display)) > 0)
            {
                total += read;
                if (total > limits.MaxFileBytes)
                {
                    problems.Add(TooLarge(display, number, limits.MaxFileBytes, "reading stopped here: the file holds more than"));
                    return;
                }

                var rest = chunk.AsSpan(0, read);
                while (!rest.IsEmpty)
                {
                    if (skipLineFeed)
                    {
                        skipLineFeed = false;
                        if (rest[0] == (byte)'\n')
                        {
                            rest = rest[1..];
                            continue;
                        }
                    }

                    var end = rest.IndexOfAny((byte)'\n', (byte)'\r');
                    var part = end < 0 ? rest : rest[..end];
                    if (line.WrittenCount + part.Length > limits.MaxLineBytes)
                    {
                        problems.Add(new DataProblem(DataProblemSeverity.Error, display, number, null,
                            $"line too long: more than the limit of {DataLimits.Describe(limits.MaxLineBytes)} without a line break; the rest of the file was not read"));
                        return;
                    }

                    line.Write(part);
                    if (end < 0)
                    {
                        break;
                    }

                    skipLineFeed = rest[end] == (byte)'\r';
                    Emit(line, number++, display, problems, onLine);
                    rest = rest[(end + 1)..];
                }
            }

            if (line.WrittenCount > 0)
            {
                Emit(line, number, display, problems, onLine);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static void Emit(ArrayBufferWriter<byte> line, int number, string display, DataProblemLog problems, Action<int, string> onLine)
    {
        var bytes = line.WrittenSpan;
        if (number == 1 && bytes.StartsWith(Utf8Bom))
        {
            bytes = bytes[3..];
        }

        string? text = null;
        if (FindInvalidUtf8(bytes) is int offset and >= 0)
        {
            problems.Add(new DataProblem(DataProblemSeverity.Error, display, number, null, InvalidUtf8(bytes[offset], offset + 1) + "; the line was skipped"));
        }
        else
        {
            text = StrictUtf8.GetString(bytes);
        }

        line.ResetWrittenCount();
        if (text is not null)
        {
            onLine(number, text);
        }
    }

    /// <summary>The offset of the first byte that does not start a valid UTF-8 sequence (a truncated sequence at
    /// the end counts), or -1.</summary>
    internal static int FindInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return -1;
        }

        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }

    private static int ReadChunk(Stream stream, byte[] chunk, string display)
    {
        try
        {
            return stream.Read(chunk, 0, ChunkBytes);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DataLoadException($"Cannot read '{display}': {exception.Message}", exception);
        }
    }

    private static string InvalidUtf8(byte value, int column) =>
        $"invalid UTF-8: byte 0x{value.ToString("X2", CultureInfo.InvariantCulture)} at column {column.ToString(CultureInfo.InvariantCulture)} (counted in bytes) does not start a valid UTF-8 sequence";

    private static DataProblem TooLarge(string display, int? line, long limit, string what) =>
        new(DataProblemSeverity.Error, display, line, null,
            $"file too large: {what} the limit of {DataLimits.Describe(limit)}");
}
