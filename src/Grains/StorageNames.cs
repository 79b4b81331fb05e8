namespace SotopiaPi.Grains;

/// <summary>The names grains use for Orleans services that each profile configures.</summary>
public static class StorageNames
{
    /// <summary>The grain storage of campaign and training-queue state: the project store in the embedded and
    /// PostgreSQL profiles, Azure Blob storage in the azure profile.</summary>
    public const string Sotopia = "sotopia";
}
