using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;
using SotopiaPi.Sotopia.Tests.Data;

namespace SotopiaPi.Sotopia.Tests.Reports;

public sealed class HumanRatingReaderTests
{
    [Fact]
    public void ACsvFileReadsInAnyColumnOrderWithQuotedCommentsAndPartialDimensions()
    {
        const string csv =
            "annotator,episode_id,seat,goal,believability,comment\r\n" +
            "ann-1,ep-1,1,7,9,\"fine, \"\"mostly\"\"\"\r\n" +
            "\r\n" +
            "ann-2,ep-1,2,3,,\"two\nlines\"\n" +
            "ann-1,ep-2,2,10,0,\n";
        var import = HumanRatingReader.ParseCsv("r.csv", csv);

        Assert.True(import.IsValid, string.Join("\n", import.Problems));
        Assert.Equal(3, import.Ratings.Length);
        var first = import.Ratings[0];
        Assert.Equal(("ep-1", 0, "ann-1", 2), (first.EpisodeId, first.Seat, first.Annotator, first.Line));
        Assert.Equal(7, first[SotopiaDimension.Goal]);
        Assert.Equal(9, first[SotopiaDimension.Believability]);
        Assert.Null(first[SotopiaDimension.Secret]);
        Assert.Null(first.Overall);
        var second = import.Ratings[1];
        Assert.Equal((1, 4), (second.Seat, second.Line));
        Assert.Null(second[SotopiaDimension.Believability]);
        Assert.Equal(6, import.Ratings[2].Line);
        Assert.Equal(0, import.Ratings[2][SotopiaDimension.Believability]);
    }

    [Fact]
    public void EveryCsvProblemNamesTheFileLineAndField()
    {
        const string csv =
            "episode_id,seat,annotator,goal,secret\n" +  // 1
            "ep-1,1,a,7,0\n" +                           // 2 ok
            "ep-1,3,a,7,0\n" +                           // 3 bad seat
            "ep-2,1,a,11,0\n" +                          // 4 goal out of range
            "ep-3,2,a,seven,0\n" +                       // 5 goal not an integer
            "ep-4,2,a,5,1\n" +                           // 6 secret out of range (−10..0)
            ",2,,5,0\n" +                                // 7 empty id and annotator
            "ep-5,2,a,5\n" +                             // 8 wrong field count
            "ep-6,2,a,,\n" +                             // 9 no dimension rated
            "ep-1,1,a,2,0\n";                            // 10 duplicate of line 2
        var problems = HumanRatingReader.ParseCsv("ratings.csv", csv).Problems.Select(p => p.ToString()).ToList();

        Assert.Equal(
        [
            "ratings.csv:3: seat: '3' is not 1 or 2",
            "ratings.csv:4: goal: 11 is outside the range 0..10",
            "ratings.csv:5: goal: 'seven' is not an integer",
            "ratings.csv:6: secret: 1 is outside the range -10..0",
            "ratings.csv:7: episode_id: is missing or empty",
            "ratings.csv:7: annotator: is missing or empty",
            "ratings.csv:8: has 4 fields, the header has 5",
            "ratings.csv:9: rates no dimension; give at least one of believability, relationship, knowledge, secret, social_rules, financial_and_material_benefits, goal",
            "ratings.csv:10: annotator: 'a' already rated seat 1 of episode 'ep-1' on line 2",
        ], problems);
    }

    [Fact]
    public void AStrayQuoteIsReportedOnItsLineAndTheRecordIsNotRead()
    {
        var import = HumanRatingReader.ParseCsv("s.csv", "episode_id,seat,annotator,goal\r\nep,1,a\"b,3\r\n\"ep\",2,\"b\",4\r\n");
        Assert.Equal(["s.csv:2: a field has a quote that is not RFC 4180 (quote the whole field and double the quotes in it): a\"b"],
            import.Problems.Select(p => p.ToString()));
        Assert.Equal(("ep", 1, "b", 3), (import.Ratings.Single().EpisodeId, import.Ratings.Single().Seat, import.Ratings.Single().Annotator, import.Ratings.Single().Line));
    }

    [Fact]
    public void ABadCsvHeaderIsReportedOnLineOne()
    {
        var problems = HumanRatingReader.ParseCsv("h.csv", "episode_id,goals,goal,goal\nx,1,2,3\n").Problems.Select(p => p.ToString()).ToList();
        Assert.Contains("h.csv:1: goals: is not a field of the human ratings format (fields: episode_id, seat, annotator, believability, relationship, knowledge, secret, social_rules, financial_and_material_benefits, goal, comment)", problems);
        Assert.Contains("h.csv:1: goal: appears twice in the header", problems);
        Assert.Contains("h.csv:1: seat: is missing from the header", problems);
        Assert.Contains("h.csv:1: annotator: is missing from the header", problems);

        Assert.Equal(["empty.csv: is empty; expected a header row (episode_id,seat,annotator,<dimension keys>…) and one rating per row"],
            HumanRatingReader.ParseCsv("empty.csv", "\n\n").Problems.Select(p => p.ToString()));
        Assert.Equal(["q.csv:2: a quoted field is not closed before the end of the file"],
            HumanRatingReader.ParseCsv("q.csv", "episode_id,seat,annotator,goal\n\"ep,1,a,3\n").Problems.Select(p => p.ToString()));
        Assert.Equal(["d.csv:1: names no dimension column; add at least one of believability, relationship, knowledge, secret, social_rules, financial_and_material_benefits, goal"],
            HumanRatingReader.ParseCsv("d.csv", "episode_id,seat,annotator\nep,1,a\n").Problems.Take(1).Select(p => p.ToString()));
    }

    [Fact]
    public void JsonlUsesTheSameFieldsAndAcceptsAllSevenDimensions()
    {
        const string jsonl =
            "{\"episode_id\": \"ep-1\", \"seat\": 2, \"annotator\": \"x\", \"believability\": 9, \"relationship\": -1, \"knowledge\": 4, \"secret\": 0, \"social_rules\": -2, \"financial_and_material_benefits\": 1, \"goal\": 8}\n" +
            "\n" +
            "{\"episode_id\": \"ep-2\", \"seat\": \"1\", \"annotator\": \"y\", \"goal\": 5, \"knowledge\": null, \"comment\": \"ok\"}\n";
        var import = HumanRatingReader.ParseJsonl("r.jsonl", jsonl);
        Assert.True(import.IsValid, string.Join("\n", import.Problems));
        Assert.Equal(2, import.Ratings.Length);
        Assert.Equal((1, 1), (import.Ratings[0].Seat, import.Ratings[0].Line));
        Assert.Equal((9 - 1 + 4 + 0 - 2 + 1 + 8) / 7.0, import.Ratings[0].Overall!.Value, 12);
        Assert.Equal((0, 3, 5), (import.Ratings[1].Seat, import.Ratings[1].Line, import.Ratings[1][SotopiaDimension.Goal]));
        Assert.Null(import.Ratings[1][SotopiaDimension.Knowledge]);
    }

    [Fact]
    public void EveryJsonlProblemNamesTheFileLineAndField()
    {
        const string jsonl =
            "{\"episode_id\": \"ep-1\", \"seat\": 1, \"annotator\": \"x\", \"goal\": 7.5}\n" +   // 1
            "{not json}\n" +                                                                  // 2
            "[1, 2]\n" +                                                                      // 3
            "{\"episode_id\": \"ep-2\", \"seat\": 1, \"annotator\": \"x\", \"gaol\": 3}\n" +   // 4
            "{\"episode_id\": \"ep-3\", \"seat\": 1, \"annotator\": [\"x\"], \"goal\": 3}\n" + // 5
            "{\"episode_id\": \"ep-4\", \"seat\": 0, \"goal\": 3}\n";                         // 6
        var problems = HumanRatingReader.ParseJsonl("r.jsonl", jsonl).Problems.Select(p => p.ToString()).ToList();

        Assert.Equal(7, problems.Count);
        Assert.Equal("r.jsonl:1: goal: '7.5' is not an integer", problems[0]);
        Assert.StartsWith("r.jsonl:2: is not valid JSON: ", problems[1], StringComparison.Ordinal);
        Assert.Equal("r.jsonl:3: must be a JSON object, not array", problems[2]);
        Assert.StartsWith("r.jsonl:4: gaol: is not a field of the human ratings format", problems[3], StringComparison.Ordinal);
        Assert.Equal("r.jsonl:5: annotator: must be a string or a number, not array", problems[4]);
        Assert.Equal("r.jsonl:6: annotator: is missing or empty", problems[5]);
        Assert.Equal("r.jsonl:6: seat: '0' is not 1 or 2", problems[6]);
    }

    [Fact]
    public void ReadChoosesTheFormatByExtensionOrContentAndNamesAnUnreadableFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.csv"), "episode_id,seat,annotator,goal\nep,1,a,4\n");
        File.WriteAllText(dir.File("b.jsonl"), "{\"episode_id\": \"ep\", \"seat\": 2, \"annotator\": \"a\", \"goal\": 6}\n");
        File.WriteAllText(dir.File("c.txt"), "  {\"episode_id\": \"ep\", \"seat\": 2, \"annotator\": \"a\", \"goal\": 1}\n");
        File.WriteAllText(dir.File("d.txt"), "episode_id,seat,annotator,goal\nep,2,a,2\n");

        Assert.Equal(4, HumanRatingReader.Read(dir.File("a.csv")).Ratings.Single()[SotopiaDimension.Goal]);
        Assert.Equal(6, HumanRatingReader.Read(dir.File("b.jsonl")).Ratings.Single()[SotopiaDimension.Goal]);
        Assert.Equal(1, HumanRatingReader.Read(dir.File("c.txt")).Ratings.Single()[SotopiaDimension.Goal]);
        Assert.Equal(2, HumanRatingReader.Read(dir.File("d.txt")).Ratings.Single()[SotopiaDimension.Goal]);
        Assert.Equal(dir.File("a.csv"), HumanRatingReader.Read(dir.File("a.csv")).Source);

        var missing = Assert.Throws<DataLoadException>(() => HumanRatingReader.Read(dir.File("nope.csv")));
        Assert.StartsWith(dir.File("nope.csv") + ": cannot read the human ratings file", missing.Message, StringComparison.Ordinal);
    }
}
