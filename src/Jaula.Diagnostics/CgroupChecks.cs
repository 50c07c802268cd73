using Jaula.Sandbox.Rootfs;

namespace Jaula.Diagnostics;

/// <summary>The cgroup mode (v1, hybrid, v2), each controller's state and mount, and the systemd driver.</summary>
public static class CgroupChecks
{
    private sealed record CgroupMount(string MountPoint, string FsType, string[] SuperOptions);

    public static IEnumerable<HostCheckResult> Run(HostView host)
    {
        List<CgroupMount> mounts = ReadMounts(host);
        CgroupMount? unified = mounts.FirstOrDefault(m => m.FsType == "cgroup2");
        bool anyV1 = mounts.Any(m => m.FsType == "cgroup");
        yield return Mode(unified, anyV1);

        string[] unifiedControllers = unified is null
            ? []
            : (host.Read(unified.MountPoint + "/cgroup.controllers") ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        foreach (string line in host.ReadLines("/proc/cgroups").Where(l => !l.StartsWith('#')))
        {
            string[] f = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 4)
                yield return Controller(f[0], f[3] == "1", mounts, unified, unifiedControllers);
        }
        yield return SystemdDriver(host, unified is not null && !anyV1);
    }

    private static HostCheckResult Mode(CgroupMount? unified, bool anyV1) => (unified, anyV1) switch
    {
        (not null, false) => HostCheckResult.Ok("cgroups", "mode", $"v2 (unified) at {unified.MountPoint}"),
        (not null, true) => HostCheckResult.Ok("cgroups", "mode",
            $"hybrid: v1 controllers under their own hierarchies, cgroup2 at {unified.MountPoint}"),
        (null, true) => HostCheckResult.Ok("cgroups", "mode", "v1 (legacy): every controller its own hierarchy"),
        _ => HostCheckResult.Missing("cgroups", "mode", "no cgroup filesystem is mounted: resource limits cannot be applied",
            "mount cgroup2 at /sys/fs/cgroup (mount -t cgroup2 none /sys/fs/cgroup)"),
    };

    private static HostCheckResult Controller(
        string name, bool enabled, List<CgroupMount> mounts, CgroupMount? unified, string[] unifiedControllers)
    {
        string what = $"controller {name}";
        if (!enabled)
        {
            return HostCheckResult.Warn("cgroups", what, "disabled on the kernel command line: linux.resources for it fail",
                $"remove cgroup_disable={name} from the kernel command line");
        }
        CgroupMount? v1 = mounts.FirstOrDefault(m => m.FsType == "cgroup" && m.SuperOptions.Contains(name));
        if (v1 is not null)
            return HostCheckResult.Ok("cgroups", what, $"v1 at {v1.MountPoint}");
        if (unified is not null && unifiedControllers.Contains(name))
            return HostCheckResult.Ok("cgroups", what, $"v2 at {unified.MountPoint}");
        return HostCheckResult.Warn("cgroups", what, "enabled but not mounted in any hierarchy: linux.resources for it fail",
            $"mount it: mkdir -p /sys/fs/cgroup/{name} && mount -t cgroup -o {name} cgroup /sys/fs/cgroup/{name}");
    }

    /// <summary>--systemd-cgroup needs a unified host (the driver is v2 only), systemd as PID 1 and its socket.</summary>
    private static HostCheckResult SystemdDriver(HostView host, bool unifiedOnly)
    {
        const string what = "systemd cgroup driver";
        const string fallback = "use the default cgroupfs driver (engines: cgroup_manager = \"cgroupfs\")";
        bool systemdIsInit = host.Read("/proc/1/comm")?.Trim() == "systemd";
        bool socket = host.Exists("/run/systemd/private") || host.Exists("/run/dbus/system_bus_socket");
        if (!unifiedOnly)
            return HostCheckResult.Warn("cgroups", what,
                "cgroup v1 or hybrid host: jaula's systemd driver works on unified cgroup v2 only, so --systemd-cgroup is refused", fallback);
        if (!systemdIsInit)
            return HostCheckResult.Warn("cgroups", what, "systemd is not PID 1, so --systemd-cgroup fails", fallback);
        if (!socket)
            return HostCheckResult.Warn("cgroups", what,
                "systemd runs as PID 1 but neither /run/systemd/private nor /run/dbus/system_bus_socket exists", fallback);
        return HostCheckResult.Ok("cgroups", what, "systemd runs as PID 1 on a unified host: --systemd-cgroup makes a delegated scope per container");
    }

    /// <summary>cgroup and cgroup2 entries of mountinfo, parsed by the sandbox's own <see cref="MountInfo"/>.</summary>
    private static List<CgroupMount> ReadMounts(HostView host) =>
        MountInfo.Parse(host.ReadLines("/proc/self/mountinfo"))
            .Where(m => m.FsType is "cgroup" or "cgroup2")
            .Select(m => new CgroupMount(m.MountPoint, m.FsType, m.SuperOptions.Split(',')))
            .ToList();
}
