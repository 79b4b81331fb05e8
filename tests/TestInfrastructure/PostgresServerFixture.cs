using System.Diagnostics;
using System.Text;
using Npgsql;

namespace SotopiaPi.TestInfrastructure;

/// <summary>A PostgreSQL server for the tests. With <c>SOTOPIA_TEST_POSTGRES</c> set to a connection string
/// (a user allowed to CREATE DATABASE), that server is used. Otherwise a private one is started: the PostgreSQL
/// binaries under <c>/usr/lib/postgresql/*/bin</c> (15 preferred) <c>initdb</c> a cluster into a temporary folder
/// owned by the user <c>postgres</c> (the tests run as root in CI, and PostgreSQL refuses to run as root), and
/// <c>pg_ctl</c> starts it on 127.0.0.1 and a free port, its socket in that folder, trust authentication on
/// loopback, durability settings off (test data need not survive a power cut). It is stopped and deleted at
/// the end. Missing binaries are a failure naming the fix (<c>scripts/test.sh</c> installs them), never a skip.</summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "SOTOPIA_TEST_POSTGRES";

    private string? _folder;
    private string? _binaries;
    private int _port;

    /// <summary>Connection string of the maintenance database (<c>postgres</c>).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>True when this fixture started the server (so it can stop and restart it).</summary>
    public bool IsPrivate => _folder is not null;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
            await using var connection = new NpgsqlConnection(Unpooled(external));
            await connection.OpenAsync();
            return;
        }

        _binaries = FindBinaries();
        _folder = Path.Combine(Path.GetTempPath(), $"sotopia-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", ["postgres:", _folder], asPostgres: false);
        }
        await RunAsync(Path.Combine(_binaries, "initdb"),
            ["-D", DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]);
        _port = FreePorts.Next();
        await StartAsync();
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = _port,
            Username = "postgres",
            Database = "postgres",
            Timeout = 10,
        }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_folder is null)
        {
            return;
        }
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
            {
                await RunAsync(PgCtl, ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Creates an empty database (from <c>template0</c>) with a unique name; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"sotopia_test_{Guid.NewGuid():N}";
        await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE template0");
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing whatever is still connected.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database
            ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    /// <summary>Stops the server at once (<c>pg_ctl stop -m fast</c>: clients are disconnected).</summary>
    public Task StopAsync() => RunAsync(PgCtl, ["-D", DataFolder, "-m", "fast", "-w", "stop"]);

    /// <summary>Starts the (stopped) server again on the same port, waiting until it accepts connections.</summary>
    public Task StartAsync() => RunAsync(PgCtl,
    [
        "-D", DataFolder, "-l", Path.Combine(Folder, "server.log"), "-w", "-t", "60",
        "-o", $"-p {_port} -k {Folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        "start",
    ]);

    /// <summary><c>pg_ctl restart -m fast</c>: every connection is dropped, the server comes back on the same port.</summary>
    public Task RestartAsync() => RunAsync(PgCtl,
    [
        "-D", DataFolder, "-l", Path.Combine(Folder, "server.log"), "-m", "fast", "-w", "-t", "60",
        "-o", $"-p {_port} -k {Folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        "restart",
    ]);

    private string Folder => _folder ?? throw new InvalidOperationException(
        $"The PostgreSQL server comes from {EnvironmentVariable}, so the tests cannot stop or restart it; unset {EnvironmentVariable} to let the fixture start its own.");

    private string DataFolder => Path.Combine(Folder, "data");

    /// <summary>pg_ctl of the private server (for an external one, <see cref="Folder"/> explains why there is none).</summary>
    private string PgCtl => Path.Combine(Folder.Length > 0 ? _binaries! : "", "pg_ctl");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(ConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>The bin folder of the installed PostgreSQL (15 if present, else the newest).</summary>
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
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl under {Root}/*/bin), and none were found. " +
                $"Run the tests with scripts/test.sh, which installs them (apt-get install postgresql), or set {EnvironmentVariable} " +
                "to the connection string of a server where the user may CREATE DATABASE.");
        }
        return candidates[0].Dir;
    }

    /// <summary>Runs a command (as the user postgres when this process is root) and fails with its output.</summary>
    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres = true)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within 2 minutes.");
        }
        output.Append(await stdout).Append(await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{info.FileName} {string.Join(' ', info.ArgumentList)} failed with exit code {process.ExitCode}:\n{output}");
        }
    }
}
