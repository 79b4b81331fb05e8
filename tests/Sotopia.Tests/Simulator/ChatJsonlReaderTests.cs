using SotopiaPi.Trainer.Embedded;

namespace SotopiaPi.Sotopia.Tests.Simulator;

public sealed class ChatJsonlReaderTests
{
    private const string Good = """{"messages":[{"role":"user","content":"the prompt"},{"role":"assistant","content":"{\"action_type\": \"speak\", \"argument\": \"hi\"}"}]}""";

    [Fact]
    public async Task ReadsExamplesSkippingBlankLinesAndIgnoringASystemMessage()
    {
        var text = Good + "\n\n   \n" + """{"messages":[{"role":"system","content":"s"},{"role":"user","content":"p2"},{"role":"assistant","content":"o2"}]}""" + "\n";
        var examples = new List<ChatExample>();
        await foreach (var example in ChatJsonlReader.ReadAsync(new StringReader(text), "data.jsonl"))
        {
            examples.Add(example);
        }
        Assert.Equal(2, examples.Count);
        Assert.Equal(new ChatExample("the prompt", "{\"action_type\": \"speak\", \"argument\": \"hi\"}", "data.jsonl", 1), examples[0]);
        Assert.Equal(("p2", "o2", 4), (examples[1].Prompt, examples[1].Output, examples[1].Line));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[]", "missing field 'messages'")]
    [InlineData("{\"messages\":{}}", "'messages' must be an array")]
    [InlineData("{\"messages\":[3]}", "messages[0] must be an object")]
    [InlineData("{\"messages\":[{\"content\":\"x\"}]}", "messages[0].role must be a string")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages[0].content must be a string")]
    [InlineData("{\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"}]}", "messages[0].role 'assistant' is unexpected")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "no message with role 'assistant'")]
    [InlineData("{\"messages\":[]}", "no message with role 'user'")]
    public async Task BadLinesNameTheFileLineAndProblem(string badLine, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sotopia-sim-{Guid.NewGuid():N}.jsonl");
        try
        {
            await File.WriteAllTextAsync(path, Good + "\n" + Good + "\n" + badLine + "\n");
            var ex = await Assert.ThrowsAsync<FormatException>(() => ChatJsonlReader.ReadFileAsync(path));
            Assert.StartsWith(path + ":3: ", ex.Message, StringComparison.Ordinal);
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AMissingFileIsReportedByName()
    {
        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => ChatJsonlReader.ReadFileAsync("/nonexistent/data.jsonl"));
        Assert.Contains("/nonexistent/data.jsonl", ex.Message, StringComparison.Ordinal);
    }
}
