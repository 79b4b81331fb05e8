namespace SotopiaPi.TestInfrastructure;

/// <summary>Bounded waits on events: a timeout says what was waited for (and what was seen meanwhile), so a hang
/// fails fast with a reason instead of holding the suite.</summary>
public static class Within
{
    public static Task WaitAsync(Task task, TimeSpan timeout, string what, Func<string>? seen = null) =>
        WaitAsync(Wrap(task), timeout, what, seen);

    /// <param name="seen">What was seen meanwhile, for the failure message (e.g. a child process's output).</param>
    public static async Task<T> WaitAsync<T>(Task<T> task, TimeSpan timeout, string what, Func<string>? seen = null)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"Waited {timeout.TotalSeconds:0.#} s for {what}; it did not happen.{(seen is null ? "" : " Seen meanwhile:\n" + seen())}");
        }
    }

    private static async Task<bool> Wrap(Task task)
    {
        await task;
        return true;
    }
}
