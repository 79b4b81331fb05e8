using SotopiaPi.Silo.Hosting;

namespace SotopiaPi.Silo;

/// <summary>The silo process: <c>dotnet run --project src/Silo -- --store &lt;store&gt; --urls http://127.0.0.1:8080</c>.
/// Exit codes: 0 after a graceful stop (SIGTERM/SIGINT), 2 for unusable settings (including a non-loopback
/// address without <c>SOTOPIA_API_TOKEN</c>), 1 when the store cannot be opened or the server cannot start.</summary>
public sealed class Program
{
    private Program()
    {
    }

    public static async Task<int> Main(string[] args)
    {
        if (SiloCommandLine.WantsHelp(args))
        {
            Console.Out.Write(SiloCommandLine.Usage);
            return 0;
        }
        try
        {
            await using var silo = await SiloHost.CreateAsync(args);
            await silo.RunAsync();
            return 0;
        }
        catch (SiloConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (NotSupportedException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A store that cannot be opened, a port already in use …: one clear line, no stack trace.
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }
}
