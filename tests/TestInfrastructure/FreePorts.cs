using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SotopiaPi.TestInfrastructure;

/// <summary>Free TCP ports on 127.0.0.1 for servers a test starts (silo, gateway, API, fake endpoints).</summary>
/// <remarks>A port the system picks (port 0) comes from the kernel's ephemeral range, the one outgoing connections
/// take their local ports from — between the pick and the server's bind, any HTTP or database client in the test run
/// could take it ("Address already in use", seen in CI). So ports are handed out from below that range
/// (<c>/proc/sys/net/ipv4/ip_local_port_range</c>), each at most once per process, and only if nothing listens on it;
/// each test process walks its own stretch (by process id), so two test processes rarely try the same ports.</remarks>
public static class FreePorts
{
    private const int Lowest = 10_000;
    private const int Stretch = 200;

    private static readonly int Highest = EphemeralLow() - 1;
    private static int _next = Lowest + (Environment.ProcessId % Math.Max(1, (Highest - Lowest) / Stretch) * Stretch);

    public static int Next()
    {
        for (var tries = 0; tries < Highest - Lowest; tries++)
        {
            var port = Lowest + ((Interlocked.Increment(ref _next) - Lowest) % (Highest - Lowest));
            if (IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"No free TCP port on 127.0.0.1 between {Lowest} and {Highest}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (Linux's default 32768 when it cannot be read).</summary>
    private static int EphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var first = File.Exists(range) ? File.ReadAllText(range).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var low) && low > Lowest + Stretch ? low : 32_768;
    }
}
