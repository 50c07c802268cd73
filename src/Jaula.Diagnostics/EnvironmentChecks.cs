using Jaula.Sandbox.Rlimits;

namespace Jaula.Diagnostics;

/// <summary>Filesystems, hard rlimits, and the host tools and files some containers need.</summary>
public static class EnvironmentChecks
{
    /// <summary>What podman asks for RLIMIT_NOFILE; a lower hard limit fails its containers unless CAP_SYS_RESOURCE.</summary>
    private const ulong EngineNofile = 1048576;

    public static IEnumerable<HostCheckResult> Run(HostView host, IKernelProbe kernel)
    {
        yield return Overlay(host);
        yield return Nofile(kernel);
        yield return HardLimits(kernel);
        yield return SubordinateIds(host, kernel.Uid);
        foreach (string tool in new[] { "newuidmap", "newgidmap" })
        {
            yield return host.FindProgram(tool) is { } path
                ? HostCheckResult.Ok("tools", tool, path)
                : HostCheckResult.Warn("tools", tool, $"{tool} is not on PATH: rootless containers cannot map several ids",
                    "apt-get install uidmap");
        }
        yield return Criu(host, kernel);
    }

    /// <summary>Installed is not enough: criu refuses kernels it cannot handle (here 6.18's vdso), so `criu check` is run.</summary>
    private static HostCheckResult Criu(HostView host, IKernelProbe kernel)
    {
        if (host.FindProgram("criu") is not { } criu)
            return HostCheckResult.Warn("tools", "criu", "criu is not on PATH: checkpoint and restore cannot work", "apt-get install criu");
        return kernel.CriuCheck(criu) is { } problem
            ? HostCheckResult.Warn("tools", "criu", $"{criu} does not work on this kernel, so checkpoint and restore cannot: {problem}",
                "see `criu check`; a newer criu may support this kernel")
            : HostCheckResult.Ok("tools", "criu", $"{criu} (criu check: ok)");
    }

    private static HostCheckResult Overlay(HostView host)
    {
        bool listed = host.ReadLines("/proc/filesystems").Any(l => l.Split(['\t', ' ']).Last() == "overlay");
        return listed || host.Exists("/sys/module/overlay")
            ? HostCheckResult.Ok("filesystems", "overlayfs", "available (engines build image rootfs with it)")
            : HostCheckResult.Warn("filesystems", "overlayfs", "not available: engines cannot build rootfs from image layers",
                "modprobe overlay");
    }

    private static HostCheckResult Nofile(IKernelProbe kernel)
    {
        ulong hard = kernel.Rlimit(RlimitNames.RLIMIT_NOFILE).Hard;
        return hard >= EngineNofile
            ? HostCheckResult.Ok("limits", "RLIMIT_NOFILE", $"hard limit {Show(hard)}")
            : HostCheckResult.Warn("limits", "RLIMIT_NOFILE",
                $"hard limit {hard} is below the {EngineNofile} engines such as podman ask for; such containers fail without CAP_SYS_RESOURCE",
                $"raise the caller's hard limit (ulimit -Hn {EngineNofile}) or lower process.rlimits to at most {hard}");
    }

    private static HostCheckResult HardLimits(IKernelProbe kernel)
    {
        var limits = RlimitNames.All.Select((name, resource) => $"{name}={Show(kernel.Rlimit(resource).Hard)}");
        return HostCheckResult.Ok("limits", "hard limits", string.Join(" ", limits));
    }

    private static HostCheckResult SubordinateIds(HostView host, int uid)
    {
        string? user = host.ReadLines("/etc/passwd").Select(l => l.Split(':'))
            .FirstOrDefault(f => f.Length > 2 && f[2] == uid.ToString())?[0];
        bool hasEntry = host.ReadLines("/etc/subuid").Any(l => l.Split(':')[0] is var owner && (owner == user || owner == uid.ToString()));
        string who = user ?? $"uid {uid}";
        return hasEntry
            ? HostCheckResult.Ok("rootless", "/etc/subuid", $"{who} has subordinate ids")
            : HostCheckResult.Warn("rootless", "/etc/subuid", $"no entry for {who}: rootless containers can map only the caller's own id",
                $"usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {user ?? "<user>"}");
    }

    private static string Show(ulong limit) => limit == ulong.MaxValue ? "unlimited" : limit.ToString();
}
