namespace SotopiaPi.Silo.Hosting;

/// <summary>The silo's command line: ASP.NET's <c>--key value</c> configuration syntax, plus bare boolean flags
/// (<c>--trainer</c>) and <c>--help</c>.</summary>
public static class SiloCommandLine
{
    private static readonly string[] Flags = ["--" + SiloSettingNames.Trainer];

    public const string Usage = """
        sotopia silo — plays episodes and drives campaigns from a shared store, and serves the HTTP API.

        Usage: dotnet SotopiaPi.Silo.dll --store <store> [options]
               dotnet run --project src/Silo -- --store <store> [options]

          --store <store>             SQLite file (path or "Data Source=path") or PostgreSQL connection string
                                      ("Host=…;Database=…;Username=…;Password=…")          env SOTOPIA_STORE
          --urls <urls>               where to listen, ';'-separated (default http://127.0.0.1:8080)
                                                                                          env ASPNETCORE_URLS
          --artifacts <dir>           artifact folder (default: next to a SQLite file, else ./artifacts)
                                                                                          env SOTOPIA_ARTIFACTS
          --datasets <dir>            the folder API imports may read (paths below it only; unset: API imports
                                      off except "starter")                            env SOTOPIA_DATASETS
          --trainer                   also run a trainer in this process (default off)    env SOTOPIA_TRAINER=true
          --advertised-url <url>      where other machines reach this silo (reported by /api/silos)
                                                                                          env SOTOPIA_ADVERTISED_URL
          --shutdown-timeout <time>   how long a graceful stop may take (default 00:00:30)
                                                                                          env SOTOPIA_SHUTDOWN_TIMEOUT
          --Silo:MaxConcurrentEpisodes <n>, --Silo:SiloId <id>, …                          env Silo__MaxConcurrentEpisodes, …

        Security: listening on anything but loopback requires SOTOPIA_API_TOKEN (at least 16 characters); every
        /api request must then send "Authorization: Bearer <token>". /healthz and /readyz stay open
        (without the token they answer only {"status": "healthy"|"unhealthy"}). Without a token the silo also checks
        the addresses it actually bound after start and stops unless all are loopback; a --urls that is not
        scheme://host:port is a settings error (exit 2). Request bodies are limited to 1 MiB (413 above).
        """;

    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>Rewrites bare boolean flags to <c>--flag=true</c>, so ASP.NET configuration does not take the next
    /// argument as their value.</summary>
    public static string[] Normalize(IReadOnlyList<string> args)
    {
        var result = new List<string>(args.Count);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (Flags.Contains(arg, StringComparer.OrdinalIgnoreCase))
            {
                var next = i + 1 < args.Count ? args[i + 1] : null;
                if (next is not null && IsBoolean(next))
                {
                    result.Add($"{arg}={next}");
                    i++;
                }
                else
                {
                    result.Add($"{arg}=true");
                }
                continue;
            }
            result.Add(arg);
        }
        return [.. result];
    }

    private static bool IsBoolean(string value) =>
        value.ToLowerInvariant() is "true" or "false" or "1" or "0" or "yes" or "no" or "on" or "off";
}
