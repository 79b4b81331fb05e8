namespace SotopiaPi.Grains.Interfaces;

public static class LeaseKinds
{
    public const string Episode = "episode";
    public const string Campaign = "campaign";
    public const string Training = "training";
}
