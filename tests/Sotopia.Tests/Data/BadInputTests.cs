using System.Runtime.InteropServices;
using System.Text;
using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Sotopia.Tests.Data;

/// <summary>Input that must be refused with a clear problem (file, line, limit) at bounded cost: invalid UTF-8,
/// over-long lines, over-large files, devices and FIFOs, and files with very many problems.</summary>
public sealed class BadInputTests
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public void InvalidUtf8InAJsonlLineIsAnErrorNamingTheFileAndLineAndOnlyThatRecordIsSkipped()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        var lines = File.ReadAllLines(dir.File(SampleData.Agents));
        var bad = Encoding.UTF8.GetBytes(lines[2]);
        var at = Array.IndexOf(bad, (byte)'C');
        bad[at] = 0xFF;
        using (var file = File.Create(dir.File(SampleData.Agents)))
        {
            file.Write(Encoding.UTF8.GetBytes(lines[0] + "\n" + lines[1] + "\n"));
            file.Write(bad);
            file.Write("\n"u8);
        }

        var result = SotopiaDataLoader.Load(dir.Path);

        var problem = Assert.Single(result.Errors);
        Assert.Equal(SampleData.Agents, problem.File);
        Assert.Equal(3, problem.Line);
        Assert.StartsWith($"invalid UTF-8: byte 0xFF at column {at + 1}", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["a1", "a2"], result.Dataset.Characters.Select(c => c.Id));
    }

    [Theory]
    [InlineData("root:$6$secret::0:99999:7:::\n")]
    [InlineData("{\"a\": 1} Zsecret\n")]
    [InlineData("{\"a\": ksecret}\n")]
    public void ANonJsonFileIsDescribedWithoutItsContentAndNotCalledUnreadable(string content)
    {
        using var dir = new TempDirectory();
        var file = dir.File("shadow.json");
        File.WriteAllText(file, content);

        var result = SotopiaDataLoader.Load(file);

        var problem = Assert.Single(result.Errors);
        Assert.StartsWith("invalid JSON", problem.Message, StringComparison.Ordinal);
        foreach (var c in new[] { "'r'", "'Z'", "'k'", "secret" })
        {
            Assert.DoesNotContain(c, problem.ToString(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain("unreadable", result.Source, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", result.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8InAJsonFileIsAnErrorNamingItsLine()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        File.WriteAllBytes(dir.File("sets.json"), [.. "{\n  \"hard\": [\"e1\"],\n  \"x\": [\""u8, 0xC3, 0x28, .. "\"]\n}\n"u8]);

        var result = SotopiaDataLoader.Load(dir.Path);

        var problem = Assert.Single(result.Errors);
        Assert.Equal("sets.json", problem.File);
        Assert.Equal(3, problem.Line);
        Assert.StartsWith("invalid UTF-8: byte 0xC3 at column 10", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("x", result.Dataset.NamedSets.Keys);
    }

    [Fact]
    public async Task ALineOf200MegabytesIsRefusedAtTheLineLimitNamingFileLineAndLimit()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        using (var file = File.Create(dir.File(SampleData.Scenarios)))
        {
            file.SetLength(200L * 1024 * 1024); // sparse: 200 MB of zero bytes and no line break
        }

        var result = await LoadWithinAsync(dir.Path, "a 200 MB single line");

        var problem = Assert.Single(result.Errors, p => p.File == SampleData.Scenarios);
        Assert.Equal(1, problem.Line);
        Assert.Equal("line too long: more than the limit of 1 MiB (1,048,576 bytes) without a line break; the rest of the file was not read", problem.Message);
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task AFileLargerThanTheLimitIsRefusedWithoutReadingIt()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        using (var file = File.Create(dir.File(SampleData.Agents)))
        {
            file.SetLength(300L * 1024 * 1024);
        }

        var result = await LoadWithinAsync(dir.Path, "a 300 MB file");

        var problem = Assert.Single(result.Errors, p => p.File == SampleData.Agents);
        Assert.Null(problem.Line);
        Assert.Equal(
            $"file too large: '{dir.File(SampleData.Agents)}' is 300 MiB (314,572,800 bytes), more than the limit of 256 MiB (268,435,456 bytes)",
            problem.Message);
    }

    [Fact]
    public async Task ACharacterDeviceIsRefusedByKind()
    {
        var result = await LoadWithinAsync("/dev/zero", "/dev/zero");

        var problem = Assert.Single(result.Problems);
        Assert.True(problem.IsError);
        Assert.Equal("not a regular file: '/dev/zero' is a character device; only regular files are read", problem.Message);
    }

    [Fact]
    public async Task AFifoIsRefusedByKindWithoutWaitingForAWriter()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        var fifo = dir.File(SampleData.Tasks);
        File.Delete(fifo);
        Assert.True(MakeFifo(fifo, 0b110_000_000) == 0, $"mkfifo {fifo} failed: errno {Marshal.GetLastPInvokeError()}");

        var result = await LoadWithinAsync(dir.Path, "a folder whose tasks file is a FIFO");

        var problem = Assert.Single(result.Errors);
        Assert.Equal(SampleData.Tasks, problem.File);
        Assert.Equal($"not a regular file: '{fifo}' is a FIFO (named pipe); only regular files are read", problem.Message);
        Assert.Equal(3, result.Dataset.Characters.Length);
    }

    [Fact]
    public void DataCheckListsTheFirst50ProblemsAndCountsTheRestByKind()
    {
        using var dir = new TempDirectory();
        var lines = new List<string>();
        for (var i = 0; i < 3_000; i++)
        {
            var oneGoal = SampleData.Scenario($"e{i}");
            oneGoal["agent_goals"] = new System.Text.Json.Nodes.JsonArray("only one");
            lines.Add(i % 3 == 0 ? "{not json" : oneGoal.ToJsonString());
        }
        SampleData.WriteLines(dir.Path, SampleData.Scenarios, [.. lines]);
        using var output = new StringWriter();

        var exitCode = DataCheck.Run(dir.Path, [], output);

        var printed = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(DataCheck.ExitInvalid, exitCode);
        Assert.Equal(50, printed.Count(l => l.StartsWith("error: ", StringComparison.Ordinal)));
        Assert.Equal("… and 2,950 more problems (2 kinds: agent_goals ×1,967, invalid JSON ×983)", printed[^2]);
        Assert.Equal("3,000 error(s)", printed[^1]);
    }

    private static async Task<DataLoadResult> LoadWithinAsync(string path, string what)
    {
        try
        {
            return await Task.Run(() => SotopiaDataLoader.Load(path)).WaitAsync(LoadTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"loading {what} ({path}) did not finish within {LoadTimeout}; expected it to be refused at once");
            throw;
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
