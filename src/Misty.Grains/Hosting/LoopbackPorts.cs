using System.Net;
using System.Net.Sockets;

namespace Misty.Grains.Hosting;

public static class LoopbackPorts
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago: for short-lived silos and test servers.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
