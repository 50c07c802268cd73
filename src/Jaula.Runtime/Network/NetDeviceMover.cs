using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Runtime.Network;

/// <summary>
/// linux.netDevices (config-linux.md "Network Devices"): the parent moves each host interface into the container's
/// network namespace under its new name, adds back its permanent global addresses (a move drops them) and sets it
/// up. Done after clone and before the init goes on, so the container's process finds the devices ready. Devices are
/// never moved back: they belong to the namespace from then on.
/// </summary>
public static class NetDeviceMover
{
    public static void Move(IReadOnlyDictionary<string, NetDeviceSpec>? devices, int initPid)
    {
        if (devices is not { Count: > 0 })
            return;
        using var netns = Sys.Open($"/proc/{initPid}/ns/net", OpenFlags.ReadOnly | OpenFlags.CloExec);
        using var host = new RouteNetlink(Sys.OpenRouteNetlink());
        using var inside = new RouteNetlink(OpenInside(netns));
        foreach (var (hostName, device) in devices)
        {
            string field = $"linux.netDevices[\"{hostName}\"]";
            try
            {
                MoveOne(host, inside, netns, hostName, device.Name ?? hostName, field);
            }
            catch (ErrnoException e)
            {
                throw JaulaException.ForField(field, e.Message, e);
            }
        }
    }

    private static void MoveOne(RouteNetlink host, RouteNetlink inside, SafeFd netns, string hostName, string name, string field)
    {
        int index = host.LinkIndex(hostName) ?? throw JaulaException.ForField(field, $"the host has no network interface named {hostName}");
        bool template = name.Contains("%d", StringComparison.Ordinal);
        if (!template && inside.LinkIndex(name) is not null)
            throw JaulaException.ForField(field, $"the container's network namespace already has an interface named {name} (end the name with %d to let the kernel number it)");
        var addresses = host.PermanentGlobalAddresses(index);
        host.MoveLink(index, netns, name);
        // The kernel keeps the index when it is free in the target namespace (always in a new one); by name is exact.
        int newIndex = (template ? null : inside.LinkIndex(name)) ?? index;
        inside.SetUp(newIndex);
        foreach (var address in addresses)
            inside.AddAddress(newIndex, address);
    }

    /// <summary>A netlink socket belongs to the namespace it was made in: make it from inside, on this thread only.</summary>
    private static SafeFd OpenInside(SafeFd netns)
    {
        using var own = Sys.Open("/proc/thread-self/ns/net", OpenFlags.ReadOnly | OpenFlags.CloExec);
        Sys.SetNs(netns, CloneFlags.NewNet);
        try
        {
            return Sys.OpenRouteNetlink();
        }
        finally
        {
            Sys.SetNs(own, CloneFlags.NewNet);
        }
    }
}
