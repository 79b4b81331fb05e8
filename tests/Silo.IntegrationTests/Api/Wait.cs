namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>Waits for a state only the store can show (a client has nothing to subscribe to), failing with
/// what was expected and what was last seen.</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<Task<string>> describe, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        using var cts = new CancellationTokenSource(limit);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not reached within {limit}: {await describe()}");
            }
        }
    }
}
