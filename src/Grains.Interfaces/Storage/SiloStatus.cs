namespace SotopiaPi.Grains.Interfaces;

public enum SiloStatus
{
    /// <summary>Registered and heartbeating.</summary>
    Active,

    /// <summary>Shut down gracefully.</summary>
    Stopped,

    /// <summary>Registered, never stopped, but silent for longer than the timeout given to the listing.</summary>
    Dead,
}
