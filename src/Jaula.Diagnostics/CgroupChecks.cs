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
        yield return SystemdDriver(host);
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

    private static HostCheckResult SystemdDriver(HostView host)
    {
        bool systemdIsInit = host.Read("/proc/1/comm")?.Trim() == "systemd";
        bool busReachable = host.Exists("/run/systemd/private");
        string state = systemdIsInit && busReachable ? "systemd runs as PID 1 and its bus is reachable"
            : systemdIsInit ? "systemd runs as PID 1 but /run/systemd/private is missing"
            : "systemd is not PID 1";
        return HostCheckResult.Warn("cgroups", "systemd cgroup driver",
            $"{state}; jaula has no systemd driver yet, so --systemd-cgroup is refused",
            "use the default cgroupfs driver (engines: cgroup_manager = \"cgroupfs\")");
    }

    /// <summary>cgroup and cgroup2 entries of mountinfo, parsed by the sandbox's own <see cref="MountInfo"/>.</summary>
    private static List<CgroupMount> ReadMounts(HostView host) =>
        MountInfo.Parse(host.ReadLines("/proc/self/mountinfo"))
            .Where(m => m.FsType is "cgroup" or "cgroup2")
            .Select(m => new CgroupMount(m.MountPoint, m.FsType, m.SuperOptions.Split(',')))
            .ToList();
}
