using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Sotopia.Tests.Simulator;

public sealed class TaskDynamicsTests
{
    [Fact]
    public void TheSameTaskAndWorldSeedAlwaysGiveTheSameParameters()
    {
        var a = TaskDynamics.Create("task-1", 42, ScenarioKind.Bargaining, ScenarioKind.Bargaining);
        var b = TaskDynamics.Create("task-1", 42, ScenarioKind.Bargaining, ScenarioKind.Bargaining);
        Assert.Equal(Snapshot(a), Snapshot(b));
        Assert.NotEqual(Snapshot(a), Snapshot(TaskDynamics.Create("task-1", 43, ScenarioKind.Bargaining, ScenarioKind.Bargaining)));
        Assert.NotEqual(Snapshot(a), Snapshot(TaskDynamics.Create("task-2", 42, ScenarioKind.Bargaining, ScenarioKind.Bargaining)));
    }

    [Fact]
    public void ParametersStayInTheirRanges()
    {
        for (var i = 0; i < 500; i++)
        {
            var d = TaskDynamics.Create("t" + i, i, (ScenarioKind)(i % 9), (ScenarioKind)((i / 9) % 9));
            Assert.InRange(d.Conflict, 0.05, 0.95);
            Assert.InRange(d.Stakes, 0.6, 1.4);
            for (var seat = 0; seat < 2; seat++)
            {
                Assert.InRange(d.InitialOpenness(seat), 0.05, 0.95);
                Assert.InRange(d.Patience(seat), 2, 4);
                Assert.InRange(d.SecretSensitivity(seat), 0.3, 1.0);
                foreach (var family in Enum.GetValues<AppealFamily>())
                {
                    Assert.InRange(d.Receptiveness(seat, family), 0.05, 1.0);
                }
            }
        }
    }

    [Fact]
    public void KindPriorsShapeWhatWorksOnAverage()
    {
        double Mean(ScenarioKind speakerKind, AppealFamily family) => Enumerable.Range(0, 400)
            .Average(i => TaskDynamics.Create("k" + i, 1, speakerKind, ScenarioKind.Other).Receptiveness(1, family));
        Assert.True(Mean(ScenarioKind.Conflict, AppealFamily.Emotion) > Mean(ScenarioKind.Bargaining, AppealFamily.Emotion) + 0.4);
        Assert.True(Mean(ScenarioKind.Bargaining, AppealFamily.Offer) > Mean(ScenarioKind.Secret, AppealFamily.Offer) + 0.3);
        Assert.True(Mean(ScenarioKind.Persuasion, AppealFamily.Reason) > Mean(ScenarioKind.Persuasion, AppealFamily.Force) + 0.5);
        var conflict = Enumerable.Range(0, 200).Average(i => TaskDynamics.Create("c" + i, 1, ScenarioKind.Conflict, ScenarioKind.Conflict).Conflict);
        var cooperation = Enumerable.Range(0, 200).Average(i => TaskDynamics.Create("c" + i, 1, ScenarioKind.Cooperation, ScenarioKind.Cooperation).Conflict);
        Assert.True(conflict > cooperation + 0.4);
    }

    private static string Snapshot(TaskDynamics d) =>
        string.Join(",", new[] { d.Conflict, d.Stakes, d.InitialOpenness(0), d.InitialOpenness(1), d.SecretSensitivity(0), d.SecretSensitivity(1) }
            .Concat(Enum.GetValues<AppealFamily>().SelectMany(f => new[] { d.Receptiveness(0, f), d.Receptiveness(1, f) }))
            .Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))
        + $",{d.Patience(0)},{d.Patience(1)}";
}
