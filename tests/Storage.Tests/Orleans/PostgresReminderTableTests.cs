using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>The reminder queries of <see cref="PostgresOrleansSchema"/> as Orleans' own ADO.NET reminder table
/// (10.4.2) uses them, on a migrated database, without a running cluster.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class PostgresReminderTableTests(PostgresServerFixture server) : IAsyncLifetime
{
    private static readonly DateTime Start = new(2025, 6, 1, 12, 0, 0, 123, DateTimeKind.Utc);

    private readonly List<OrleansProviderHost> _hosts = [];
    private string _database = "";

    public async Task InitializeAsync() => _database = await OrleansTestDatabase.CreateMigratedAsync(server);

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }
        await server.DropDatabaseAsync(_database);
    }

    [Fact]
    public async Task AnUpsertReturnsTheVersionThatRemovingNeeds()
    {
        var table = await TableAsync("s1");
        var entry = Reminder("g-1", "tick", TimeSpan.FromSeconds(90));

        Assert.Equal("0", await table.UpsertRow(entry));
        var read = await table.ReadRow(entry.GrainId, "tick");
        Assert.NotNull(read);
        Assert.Equal((entry.GrainId, "tick", Start, TimeSpan.FromSeconds(90), "0"), (read.GrainId, read.ReminderName, read.StartAt, read.Period, read.ETag));

        entry.Period = TimeSpan.FromDays(40);
        Assert.Equal("1", await table.UpsertRow(entry));
        Assert.False(await table.RemoveRow(entry.GrainId, "tick", "0"));
        Assert.Equal(TimeSpan.FromDays(40), (await table.ReadRow(entry.GrainId, "tick"))?.Period);
        Assert.True(await table.RemoveRow(entry.GrainId, "tick", "1"));
        Assert.Null(await table.ReadRow(entry.GrainId, "tick"));
        Assert.False(await table.RemoveRow(entry.GrainId, "tick", "1"));
    }

    [Fact]
    public async Task AGrainsRowsAreItsRemindersOnly()
    {
        var table = await TableAsync("s1");
        await table.UpsertRow(Reminder("g-1", "a", TimeSpan.FromMinutes(1)));
        await table.UpsertRow(Reminder("g-1", "b", TimeSpan.FromMinutes(2)));
        await table.UpsertRow(Reminder("g-2", "a", TimeSpan.FromMinutes(3)));

        var rows = await table.ReadRows(Grain("g-1"));

        Assert.Equal(["a", "b"], rows.Reminders.Select(r => r.ReminderName).Order());
        Assert.All(rows.Reminders, r => Assert.Equal(Grain("g-1"), r.GrainId));
        Assert.Empty((await table.ReadRows(Grain("g-3"))).Reminders);
    }

    [Fact]
    public async Task RangeReadsReturnTheRemindersWhoseHashIsInTheRingRange()
    {
        var table = await TableAsync("s1");
        var grains = Enumerable.Range(0, 48).Select(i => Grain($"g-{i}")).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = Start, Period = TimeSpan.FromMinutes(1) });
        }
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        Assert.True(hashes.Count(h => h < 0x8000_0000u) >= 8 && hashes.Count(h => h >= 0x8000_0000u) >= 8,
            $"the grains' hashes should cover both halves of the ring: {string.Join(", ", hashes)}");

        (uint Begin, uint End)[] ranges =
        [
            (0x4000_0000, 0xC000_0000),   // crosses int.MaxValue: (int)begin > (int)end, so ReadRangeRows2Key
            (0xC000_0000, 0x4000_0000),   // wraps past zero: (int)begin < (int)end, so ReadRangeRows1Key
            (0x1000_0000, 0x7000_0000),   // positive as int: ReadRangeRows1Key
            (0x9000_0000, 0xF000_0000),   // negative as int: ReadRangeRows1Key
            (0xF000_0000, 0x1000_0000),   // wraps, as int too: ReadRangeRows2Key
            (hashes[3], hashes[20]),      // bounds on stored hashes: begin excluded, end included
            (hashes[40], hashes[5]),
            (hashes[7], hashes[7]),       // begin = end: the whole ring
        ];
        foreach (var (begin, end) in ranges)
        {
            var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Order().ToList();

            var actual = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId).Order().ToList();

            Assert.True(expected.SequenceEqual(actual),
                $"range (0x{begin:X8}, 0x{end:X8}]: expected {expected.Count} reminders [{string.Join(", ", expected)}], read {actual.Count} [{string.Join(", ", actual)}]");
        }
    }

    [Fact]
    public async Task AnotherServicesRemindersAreInvisibleAndSurviveItsClear()
    {
        var mine = await TableAsync("s1");
        var theirs = await TableAsync("s2");
        await mine.UpsertRow(Reminder("g-1", "a", TimeSpan.FromMinutes(1)));
        await theirs.UpsertRow(Reminder("g-1", "b", TimeSpan.FromMinutes(1)));

        Assert.Equal(["a"], (await mine.ReadRows(Grain("g-1"))).Reminders.Select(r => r.ReminderName));
        Assert.Equal(["a"], (await mine.ReadRows(0u, 0u)).Reminders.Select(r => r.ReminderName));
        await mine.TestOnlyClearTable();

        Assert.Empty((await mine.ReadRows(0u, 0u)).Reminders);
        Assert.Equal(["b"], (await theirs.ReadRows(Grain("g-1"))).Reminders.Select(r => r.ReminderName));
    }

    private async Task<IReminderTable> TableAsync(string serviceId)
    {
        var host = OrleansProviderHost.Silo(_database, "c1", serviceId);
        _hosts.Add(host);
        return await host.ReminderTableAsync();
    }

    private static GrainId Grain(string key) => GrainId.Create("reminder-probe", key);

    private static ReminderEntry Reminder(string grain, string name, TimeSpan period) =>
        new() { GrainId = Grain(grain), ReminderName = name, StartAt = Start, Period = period };

    /// <summary>Orleans' ring range (begin, end] on unsigned hashes; begin = end is the whole ring.</summary>
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
