namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Who speaks to whom about what: everything <see cref="MoveCodec.Render"/> needs to turn a move
/// into a line. Built from what the acting agent sees (names, scenario, own goal).</summary>
public sealed record MoveRenderContext
{
    public MoveRenderContext(string agentName, string otherName, TaskText task)
    {
        ArgumentNullException.ThrowIfNull(task);
        AgentName = agentName ?? "";
        OtherName = otherName ?? "";
        Task = task;
        OtherFirstName = SimulatorText.FirstName(OtherName) is { Length: > 0 } first ? first : "friend";
    }

    public string AgentName { get; }

    public string OtherName { get; }

    /// <summary>The other's first name (how agents address each other).</summary>
    public string OtherFirstName { get; }

    public TaskText Task { get; }
}
