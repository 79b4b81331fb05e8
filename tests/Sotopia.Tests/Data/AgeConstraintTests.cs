using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Data;

public sealed class AgeConstraintTests
{
    [Fact]
    public void DefaultParsesToTwoFullRangesAndMeansNoConstraint()
    {
        Assert.True(AgeConstraint.TryParse(Scenario.DefaultAgeConstraint, out var ranges, out var error));

        Assert.Null(error);
        Assert.Equal([new AgeRange(18, 70), new AgeRange(18, 70)], ranges.ToArray());
        Assert.True(AgeConstraint.IsUnconstrained(ranges));
    }

    [Fact]
    public void TwentyOneToSeventyIsAConstraint()
    {
        Assert.True(AgeConstraint.TryParse("[(21, 70), (21, 70)]", out var ranges, out _));

        Assert.Equal([new AgeRange(21, 70), new AgeRange(21, 70)], ranges.ToArray());
        Assert.False(AgeConstraint.IsUnconstrained(ranges));
        Assert.False(ranges[0].Contains(20));
        Assert.True(ranges[0].Contains(21));
        Assert.True(ranges[1].Contains(70));
        Assert.False(ranges[1].Contains(71));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("nan")]
    [InlineData("None")]
    [InlineData("null")]
    public void NullishTextMeansNoConstraint(string? text)
    {
        Assert.True(AgeConstraint.TryParse(text, out var ranges, out var error));

        Assert.Null(error);
        Assert.Empty(ranges);
        Assert.True(AgeConstraint.IsUnconstrained(ranges));
    }

    [Theory]
    [InlineData("[[30, 40], [18, 25]]", 30, 40, 18, 25)]
    [InlineData("[(30,40),(18,25)]", 30, 40, 18, 25)]
    [InlineData("  [ ( 0 , 99 ) , ( 5 , 5 ) ]  ", 0, 99, 5, 5)]
    public void OtherSpellingsParse(string text, int min0, int max0, int min1, int max1)
    {
        Assert.True(AgeConstraint.TryParse(text, out var ranges, out var error), error);

        Assert.Equal([new AgeRange(min0, max0), new AgeRange(min1, max1)], ranges.ToArray());
    }

    [Theory]
    [InlineData("[(18, 70)]", "1 age range(s)")]
    [InlineData("[(18, 70), (18, 70), (18, 70)]", "3 age range(s)")]
    [InlineData("[(70, 18), (18, 70)]", "not a valid range")]
    [InlineData("[(18, 70), ('a', 70)]", "pair of integers")]
    [InlineData("[(18, 70, 90), (18, 70)]", "pair of integers")]
    [InlineData("(18, 70)", "pair of integers")]
    [InlineData("18-70", "is not a list")]
    [InlineData("[(18, 70), (18, 70)", "missing ']'")]
    [InlineData("[(18, 70), (18, 70)] extra", "unexpected")]
    [InlineData("42", "is not a list")]
    public void MalformedTextIsRejectedWithAReason(string text, string reason)
    {
        Assert.False(AgeConstraint.TryParse(text, out var ranges, out var error));

        Assert.Empty(ranges);
        Assert.NotNull(error);
        Assert.Contains(reason, error);
        Assert.Contains(text.Trim(), error);
    }

    [Fact]
    public void FormatWritesTheOriginalSpelling()
    {
        Assert.Equal(Scenario.DefaultAgeConstraint, AgeConstraint.Format(AgeConstraint.Default));
        Assert.Equal("[(21, 70), (30, 40)]", AgeConstraint.Format([new AgeRange(21, 70), new AgeRange(30, 40)]));
    }
}
