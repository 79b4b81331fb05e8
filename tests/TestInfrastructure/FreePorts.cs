using System.Net;
using System.Net.Sockets;

namespace SotopiaPi.TestInfrastructure;

/// <summary>Free TCP ports on 127.0.0.1 for servers a test starts (silo, gateway, API): the system picks them.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
