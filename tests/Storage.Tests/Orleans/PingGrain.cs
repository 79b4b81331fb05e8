namespace SotopiaPi.Storage.Tests.Orleans;

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<string> PingAsync(string message) => Task.FromResult($"{message} from {RuntimeIdentity}");
}
