namespace SotopiaPi.Storage.Tests.Orleans;

/// <summary>A trivial grain: answers with the silo it runs on.</summary>
public interface IPingGrain : IGrainWithStringKey
{
    Task<string> PingAsync(string message);
}
