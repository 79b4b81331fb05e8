namespace SotopiaPi.Sotopia.Data;

/// <summary>How bad a <see cref="DataProblem"/> is: errors make a load invalid, warnings do not.</summary>
public enum DataProblemSeverity
{
    Error = 0,
    Warning = 1,
}
