namespace SotopiaPi.Grains.Interfaces;

/// <summary>SOTOPIA's action space. Wire names: <c>none</c>, <c>speak</c>,
/// <c>non-verbal communication</c>, <c>action</c>, <c>leave</c> (see <see cref="ActionTypes"/>).</summary>
public enum ActionType
{
    None = 0,
    Speak = 1,
    NonVerbalCommunication = 2,
    Action = 3,
    Leave = 4,
}
