using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Sotopia.Tests.Data;

public sealed class DataFileReaderTests
{
    [Fact]
    public void AnEndlessLineFromAStreamIsRefusedAtTheLineLimitAfterReadingLittleMoreThanTheLimit()
    {
        var stream = new EndlessStream((byte)'x');
        var problems = new DataProblemLog(10);
        var lines = 0;

        DataFileReader.ReadLines(stream, "endless.jsonl", DataLimits.Default, problems, (_, _) => lines++);

        var problem = Assert.Single(problems.Kept);
        Assert.Equal(new DataProblem(
            DataProblemSeverity.Error, "endless.jsonl", 1, null,
            "line too long: more than the limit of 1 MiB (1,048,576 bytes) without a line break; the rest of the file was not read"), problem);
        Assert.Equal(0, lines);
        Assert.InRange(stream.BytesRead, DataLimits.DefaultMaxLineBytes, DataLimits.DefaultMaxLineBytes + (64 * 1024));
    }

    [Fact]
    public void AStreamLongerThanTheFileLimitStopsThereNamingTheLineReached()
    {
        var stream = new EndlessStream((byte)'\n');
        var problems = new DataProblemLog(10);

        DataFileReader.ReadLines(stream, "long.jsonl", new DataLimits { MaxFileBytes = 100_000 }, problems, (_, _) => { });

        var problem = Assert.Single(problems.Kept);
        Assert.Equal("long.jsonl", problem.File);
        Assert.Equal(65_537, problem.Line);
        Assert.Equal("file too large: reading stopped here: the file holds more than the limit of 100,000 bytes", problem.Message);
    }

    [Fact]
    public void LinesSplitOnEveryLineBreakAcrossChunksAndDropTheByteOrderMark()
    {
        var text = "\uFEFF{\"a\": 1}\r\n" + new string(' ', 65_530) + "x\r\ny\rz\n\nlast";
        var lines = new List<(int, string)>();

        DataFileReader.ReadLines(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), "f", DataLimits.Default, new DataProblemLog(10), (n, t) => lines.Add((n, t)));

        Assert.Equal([(1, "{\"a\": 1}"), (2, new string(' ', 65_530) + "x"), (3, "y"), (4, "z"), (5, ""), (6, "last")], lines);
    }

    [Fact]
    public void ProblemsBeyondTheLimitAreCountedByKindNotKept()
    {
        var log = new DataProblemLog(2);
        for (var i = 1; i <= 5; i++)
        {
            log.Add(new DataProblem(DataProblemSeverity.Error, "f", i, null, $"invalid JSON at column {i}: bad"));
        }
        log.Add(new DataProblem(DataProblemSeverity.Warning, "f", 6, "age", "odd"));

        Assert.Equal([1, 2], log.Kept.Select(p => p.Line));
        Assert.Equal(
            [new DataProblemCount(DataProblemSeverity.Error, "invalid JSON", 3), new DataProblemCount(DataProblemSeverity.Warning, "age", 1)],
            log.Omitted().ToArray());
        Assert.True(log.HasErrors);
    }

    /// <summary>A stream that never ends: the same byte forever, counting what was read.</summary>
    private sealed class EndlessStream(byte value) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill(value);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
