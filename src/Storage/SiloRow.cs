using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>A <c>silos</c> row as read (both stores), turned into a <see cref="SiloRecord"/> with its status
/// computed: a silo not stopped whose last heartbeat is <c>deadAfter</c> or more old is dead.</summary>
internal sealed record SiloRow(string Id, string Address, long StartedAt, long LastHeartbeat, string Status, string? Stats)
{
    public static IReadOnlyList<SiloRecord> ToRecords(
        List<SiloRow> rows, long now, TimeSpan deadAfter, string store, Func<string, string, SiloStats> parse)
    {
        var deadMs = (long)Math.Ceiling(deadAfter.TotalMilliseconds);
        return rows.ConvertAll(row =>
        {
            var status = row.Status switch
            {
                "stopped" => SiloStatus.Stopped,
                "active" => now - row.LastHeartbeat >= deadMs ? SiloStatus.Dead : SiloStatus.Active,
                _ => throw new InvalidDataException($"{store}: unknown status '{row.Status}' of silo '{row.Id}' in table silos."),
            };
            var stats = row.Stats is null ? null : parse(row.Stats, $"stats of silo '{row.Id}'");
            return new SiloRecord(row.Id, row.Address, StoreValues.FromMs(row.StartedAt), StoreValues.FromMs(row.LastHeartbeat), status, stats);
        });
    }
}
