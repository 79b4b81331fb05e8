namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>The API tests run one after another: each starts real silos, and the machine has two cores.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection
{
    public const string Name = "api";
}
