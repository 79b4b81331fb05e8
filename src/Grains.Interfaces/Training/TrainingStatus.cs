namespace SotopiaPi.Grains.Interfaces;

public enum TrainingStatus
{
    Pending = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}
