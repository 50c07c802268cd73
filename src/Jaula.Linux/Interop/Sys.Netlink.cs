namespace Jaula.Linux;

/// <summary>AF_NETLINK sockets (NETLINK_ROUTE): the socket belongs to the network namespace of the thread that made it.</summary>
public static partial class Sys
{
    private const int AF_NETLINK = 16;
    private const int SOCK_RAW = 3;
    private const int NETLINK_ROUTE = 0;

    /// <summary>A close-on-exec rtnetlink socket; writes go to the kernel (port 0) without an address.</summary>
    public static SafeFd OpenRouteNetlink()
    {
        int fd = Libc.Socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        ThrowIfFailed(fd, "socket(AF_NETLINK)");
        return SafeFd.Own(fd);
    }
}
