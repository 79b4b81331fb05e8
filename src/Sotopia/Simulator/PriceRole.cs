namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Which side of a sale a bargaining goal puts the agent on, if the goal says so.</summary>
public enum PriceRole
{
    None = 0,
    Buyer = 1,
    Seller = 2,
}
