namespace SotopiaPi.Sotopia.Tests.Simulator;

/// <summary>A scenario for the pure-level simulator tests: raw texts (hint tags included).</summary>
internal sealed record SimScenario(string Id, string Codename, string Text, string Goal0, string Goal1)
{
    public string Goal(int seat) => seat == 0 ? Goal0 : Goal1;
}
