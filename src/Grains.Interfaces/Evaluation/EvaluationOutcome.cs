using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>Either an <see cref="EpisodeEvaluation"/> or an <see cref="EvaluationFailure"/>, never both.</summary>
[Immutable]
public sealed record EvaluationOutcome
{
    [JsonConstructor]
    private EvaluationOutcome(EpisodeEvaluation? evaluation, EvaluationFailure? failure, CallUsage? usage)
    {
        Evaluation = evaluation;
        Failure = failure;
        Usage = usage;
    }

    public EpisodeEvaluation? Evaluation { get; }
    public EvaluationFailure? Failure { get; }
    /// <summary>Usage of the judge call(s), when a model was called.</summary>
    public CallUsage? Usage { get; }

    [JsonIgnore]
    [MemberNotNullWhen(true, nameof(Evaluation))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Evaluation is not null;

    public static EvaluationOutcome Success(EpisodeEvaluation evaluation, CallUsage? usage = null) =>
        new(evaluation ?? throw new ArgumentNullException(nameof(evaluation)), null, usage);

    public static EvaluationOutcome Failed(EvaluationFailure failure, CallUsage? usage = null) =>
        new(null, failure ?? throw new ArgumentNullException(nameof(failure)), usage);
}
