using System.Collections.Immutable;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Episodes;

/// <summary>Builds the episode answers from stored records, turns and the dataset (names, goals, scenario).</summary>
internal static class EpisodeViews
{
    public static EpisodeSummaryResponse Summary(EpisodeRecord episode, EpisodeSetup? setup)
    {
        var evaluation = episode.Outcome?.Evaluation;
        return new EpisodeSummaryResponse
        {
            Id = episode.Id,
            Round = episode.Round,
            Phase = episode.Phase,
            Status = episode.Status,
            ScenarioId = episode.ScenarioId,
            Scenario = setup?.Scenario.Codename is { Length: > 0 } codename ? codename : episode.ScenarioId,
            Characters = setup is null ? [episode.Agent1Id, episode.Agent2Id] : [setup.Agent1.FullName, setup.Agent2.FullName],
            Seats = episode.Seats,
            ScoredSeats = episode.ScoredSeats,
            Termination = episode.Termination,
            Goal = evaluation is null ? [null, null] : [evaluation.Agent1.Goal, evaluation.Agent2.Goal],
            Overall = evaluation is null ? [null, null] : [evaluation.Agent1.Overall, evaluation.Agent2.Overall],
            FailureReason = episode.FailureReason,
            CreatedAt = episode.CreatedAt,
            CompletedAt = episode.CompletedAt,
        };
    }

    public static EpisodeDetailResponse Detail(EpisodeRecord episode, EpisodeSetup setup, IReadOnlyList<Turn> turns)
    {
        var evaluation = episode.Outcome?.Evaluation;
        var seats = ImmutableArray.CreateBuilder<EpisodeSeatResponse>(2);
        for (var seat = 0; seat < 2; seat++)
        {
            var character = setup.Agent(seat);
            var binding = episode.Seats[seat];
            seats.Add(new EpisodeSeatResponse
            {
                Seat = seat,
                CharacterId = character.Id,
                Name = character.FullName,
                Age = character.Age,
                Occupation = character.Occupation,
                Goal = HintTags.Render(setup.Goal(seat)),
                Secret = character.Secret,
                Role = binding.Role,
                PolicyName = binding.PolicyName,
                Version = binding.Version,
                Model = binding.Model,
                Scored = episode.ScoredSeats.Contains(seat),
                Evaluation = evaluation is null ? null : Evaluation(evaluation.ForSeat(seat)),
            });
        }
        return new EpisodeDetailResponse
        {
            Id = episode.Id,
            CampaignId = episode.CampaignId,
            Round = episode.Round,
            Phase = episode.Phase,
            Status = episode.Status,
            Termination = episode.Termination,
            FailureReason = episode.FailureReason,
            Scenario = new ScenarioResponse(setup.Scenario.Id, setup.Scenario.Codename, HintTags.Render(setup.Scenario.Text)),
            Relationship = setup.Relationship,
            Seats = seats.MoveToImmutable(),
            Turns = [.. turns.Select(t => Turn(t, setup))],
            JudgeModel = evaluation?.JudgeModel,
            EvaluationFailure = episode.Outcome?.Failure?.Reason,
            Seed = episode.Seed,
            CreatedAt = episode.CreatedAt,
            CompletedAt = episode.CompletedAt,
        };
    }

    private static TurnResponse Turn(Turn turn, EpisodeSetup setup)
    {
        var speaker = setup.Agent(turn.Seat).FullName;
        return new TurnResponse
        {
            Number = turn.Number,
            Seat = turn.Seat,
            Speaker = speaker,
            ActionType = turn.Action.Type.ToWire(),
            Argument = turn.Action.Argument,
            Line = ActionRenderer.Line(speaker, turn.Action),
            Note = turn.Note,
        };
    }

    private static SeatEvaluationResponse Evaluation(SeatEvaluation evaluation) => new()
    {
        Overall = evaluation.Overall,
        Goal = evaluation.Goal,
        Dimensions = [.. DimensionInfo.All.Select(info =>
        {
            var score = evaluation.Scores[(int)info.Dimension];
            return new DimensionScoreResponse(info.Key, info.Abbreviation, score.Score, info.Min, info.Max, score.Reasoning);
        })],
    };
}
