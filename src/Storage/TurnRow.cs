using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>A <c>turns</c> row as read (both stores): the action type by its wire name, the usage as JSON.</summary>
internal readonly record struct TurnRow(int Number, int Seat, string ActionType, string Argument, string? Note, string? Usage)
{
    /// <summary>The turns of <paramref name="episodeId"/>; <paramref name="store"/> names the store in errors.</summary>
    public static ImmutableArray<Turn> ToTurns(string episodeId, IReadOnlyList<TurnRow> rows, string store)
    {
        var turns = ImmutableArray.CreateBuilder<Turn>(rows.Count);
        foreach (var row in rows)
        {
            if (!ActionTypes.TryParse(row.ActionType, out var type))
            {
                throw new InvalidDataException(
                    $"{store}: turn {row.Number} of episode '{episodeId}' has unknown action type '{row.ActionType}'.");
            }
            var usage = row.Usage is null
                ? null
                : StoreValues.Parse<CallUsage>(row.Usage, $"usage of turn {row.Number} of episode '{episodeId}'", store);
            turns.Add(new Turn(episodeId, row.Number, row.Seat, new AgentAction(type.Value, row.Argument), row.Note, usage));
        }
        return turns.MoveToImmutable();
    }
}
