using Microsoft.ML.Tokenizers;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Tests.Prompts;

/// <summary>Token counts against known values: the OpenAI cookbook's "How to count tokens with tiktoken" examples
/// (same ids in both encodings' published output), and strings whose counts differ between o200k_base and
/// cl100k_base, verified with the tokenizer on this machine.</summary>
public sealed class TiktokenTokenEstimatorTests
{
    [Theory]
    [InlineData("tiktoken is great!", new[] { 83, 1609, 5963, 374, 2294, 0 }, new[] { 83, 8251, 2488, 382, 2212, 0 })]
    [InlineData("antidisestablishmentarianism", new[] { 519, 85342, 34500, 479, 8997, 2191 }, new[] { 493, 129901, 376, 160388, 21203, 2367 })]
    public void ThePublishedExamplesHaveTheirPublishedTokens(string text, int[] cl100k, int[] o200k)
    {
        Assert.Equal(cl100k, TiktokenTokenizer.CreateForEncoding(TiktokenTokenEstimator.Cl100kBase).EncodeToIds(text));
        Assert.Equal(o200k, TiktokenTokenizer.CreateForEncoding(TiktokenTokenEstimator.O200kBase).EncodeToIds(text));
        Assert.Equal(6, TiktokenTokenEstimator.ForModel("gpt-4").EstimateTokens(text));
        Assert.Equal(6, TiktokenTokenEstimator.ForModel("gpt-4o").EstimateTokens(text));
    }

    [Theory]
    [InlineData("gpt-4o", "o200k_base", 1, 4)]
    [InlineData("gpt-4o-mini-2024-07-18", "o200k_base", 1, 4)]
    [InlineData("gpt-4.1-nano-2025-04-14", "o200k_base", 1, 4)]
    [InlineData("o3-mini", "o200k_base", 1, 4)]
    [InlineData("ft:gpt-4.1-nano:sotopia::v3", "o200k_base", 1, 4)]
    [InlineData("gpt-4", "cl100k_base", 6, 6)]
    [InlineData("gpt-4-turbo", "cl100k_base", 6, 6)]
    [InlineData("gpt-3.5-turbo-0125", "cl100k_base", 6, 6)]
    [InlineData("ft:gpt-3.5-turbo-0125:sotopia::x", "cl100k_base", 6, 6)]
    public void AKnownModelIsCountedWithItsOwnEncoding(string model, string encoding, int russian, int japanese)
    {
        var estimator = TiktokenTokenEstimator.ForModel(model);

        Assert.Equal((encoding, true), (estimator.Encoding, estimator.IsExact));
        Assert.Equal(russian, estimator.EstimateTokens("Здравствуйте"));
        Assert.Equal(japanese, estimator.EstimateTokens("こんにちは、世界！"));
    }

    [Theory]
    [InlineData("mistralai/Mistral-7B-Instruct-v0.3")]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct")]
    [InlineData("llama3.1:8b")]
    [InlineData("sotopia-pi-r1")]
    [InlineData(null)]
    public void AnyOtherModelIsApproximatedWithCl100k(string? model)
    {
        var estimator = TiktokenTokenEstimator.ForModel(model);

        Assert.Same(TiktokenTokenEstimator.Default, estimator);
        Assert.Equal(("cl100k_base", false), (estimator.Encoding, estimator.IsExact));
        Assert.Equal("cl100k_base (approximation)", estimator.ToString());
        Assert.Equal(100, estimator.EstimateTokens(string.Concat(Enumerable.Repeat(" hello", 100))));
        Assert.Equal(0, estimator.EstimateTokens(""));
    }
}
