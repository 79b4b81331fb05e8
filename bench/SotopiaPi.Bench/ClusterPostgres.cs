using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace SotopiaPi.Bench;

/// <summary>The PostgreSQL server of the cluster benchmarks. With <c>SOTOPIA_BENCH_POSTGRES</c> set to a connection
/// string (a user allowed to CREATE DATABASE) that server is used; otherwise a private one is started from the
/// installed binaries (<c>/usr/lib/postgresql/*/bin</c>, 15 preferred): <c>initdb</c> into a temp folder and
/// <c>pg_ctl start</c> on 127.0.0.1 and a free port, run as the user <c>postgres</c> when the benchmark runs as
/// root, with the server's default durability (<c>fsync</c> and <c>synchronous_commit</c> on),
/// <c>max_connections=300</c> and <c>shared_buffers=256MB</c>. It is stopped and deleted on dispose.</summary>
internal sealed class ClusterPostgres : IAsyncDisposable
{
    public const string EnvironmentVariable = "SOTOPIA_BENCH_POSTGRES";

    private readonly string? _folder;
    private readonly string? _binaries;

    private ClusterPostgres(string connectionString, string description, string? folder, string? binaries)
    {
        ConnectionString = connectionString;
        Description = description;
        _folder = folder;
        _binaries = binaries;
    }

    /// <summary>The maintenance database's connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>What server this is, for the results.</summary>
    public string Description { get; }

    public static async Task<ClusterPostgres> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var version = await ScalarAsync(external, "SHOW server_version");
            return new ClusterPostgres(external, $"PostgreSQL {version} from {EnvironmentVariable}", null, null);
        }

        var binaries = FindBinaries();
        var folder = Path.Combine(Path.GetTempPath(), $"sotopia-bench-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                await RunAsync("chown", ["postgres:", folder], asPostgres: false);
            }
            var data = Path.Combine(folder, "data");
            await RunAsync(Path.Combine(binaries, "initdb"),
                ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-instructions"]);
            var port = BenchSilo.FreePort();
            await RunAsync(Path.Combine(binaries, "pg_ctl"),
            [
                "-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB",
                "start",
            ]);
            var connectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Database = "postgres",
            }.ConnectionString;
            var version = await ScalarAsync(connectionString, "SHOW server_version");
            return new ClusterPostgres(connectionString, $"private PostgreSQL {version} (fsync on, synchronous_commit on, shared_buffers 256MB)", folder, binaries);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>A fresh, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"sotopia_bench_{Guid.NewGuid():N}";
        await ExecuteAsync(ConnectionString, $"CREATE DATABASE \"{name}\" TEMPLATE template0");
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await ExecuteAsync(ConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_binaries!, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static async Task<string> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? "";
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string FindBinaries()
    {
        const string Root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")) && File.Exists(Path.Combine(c.Dir, "pg_ctl")))
                .OrderByDescending(c => c.Version == 15)
                .ThenByDescending(c => c.Version)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0].Dir
            : throw new InvalidOperationException(
                $"The cluster benchmark needs PostgreSQL: install its server binaries (apt-get install postgresql; initdb and pg_ctl under {Root}/*/bin) " +
                $"or set {EnvironmentVariable} to the connection string of a server where the user may CREATE DATABASE.");
    }


    /// <summary>Runs a command (as the user postgres when this process is root), failing with its output.</summary>
    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres && Environment.IsPrivilegedProcess)
        {
            info.FileName = "runuser";
            foreach (var argument in (string[])["-u", "postgres", "--", file])
            {
                info.ArgumentList.Add(argument);
            }
        }
        else
        {
            info.FileName = file;
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{info.FileName} {string.Join(' ', info.ArgumentList)} failed with exit code {process.ExitCode}:\n{await stdout}{await stderr}");
        }
    }
}
