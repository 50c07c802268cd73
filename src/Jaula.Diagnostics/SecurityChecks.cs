using Jaula.Sandbox.Capabilities;

namespace Jaula.Diagnostics;

/// <summary>seccomp and its filter flags, the LSMs, and the capability bounding set containers draw from.</summary>
public static class SecurityChecks
{
    /// <summary>Each flag with the bits that probe it.</summary>
    private static readonly (string Name, uint Bit)[] SeccompFlags =
    [
        ("SECCOMP_FILTER_FLAG_TSYNC", 1), ("SECCOMP_FILTER_FLAG_LOG", 2), ("SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4),
        ("SECCOMP_FILTER_FLAG_NEW_LISTENER", 8), ("SECCOMP_FILTER_FLAG_TSYNC_ESRCH", 16),
        // The kernel accepts WAIT_KILLABLE_RECV only together with NEW_LISTENER.
        ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 32 | 8),
    ];

    public static IEnumerable<HostCheckResult> Run(HostView host, IKernelProbe kernel)
    {
        yield return Seccomp(host, kernel);
        if (kernel.HasSyscall("seccomp"))
        {
            string[] missing = SeccompFlags.Where(f => !kernel.SeccompFlagSupported(f.Bit)).Select(f => f.Name).ToArray();
            yield return missing.Length == 0
                ? HostCheckResult.Ok("security", "seccomp filter flags", string.Join(", ", SeccompFlags.Select(f => f.Name)))
                : HostCheckResult.Warn("security", "seccomp filter flags",
                    $"the kernel refuses {string.Join(", ", missing)}: linux.seccomp.flags naming them fail");
        }
        yield return Lsm(host, "apparmor", host.Read("/sys/module/apparmor/parameters/enabled")?.Trim() == "Y",
            "process.apparmorProfile");
        yield return Lsm(host, "selinux", host.Exists("/sys/fs/selinux/enforce"), "process.selinuxLabel and linux.mountLabel");
        yield return BoundingSet(host);
    }

    private static HostCheckResult Seccomp(HostView host, IKernelProbe kernel)
    {
        if (!kernel.HasSyscall("seccomp") || host.StatusField("/proc/self/status", "Seccomp") is null)
        {
            return HostCheckResult.Missing("security", "seccomp", "the kernel has no seccomp: linux.seccomp cannot be applied",
                "use a kernel built with CONFIG_SECCOMP_FILTER");
        }
        string actions = host.Read("/proc/sys/kernel/seccomp/actions_avail")?.Trim() ?? "unknown";
        return HostCheckResult.Ok("security", "seccomp", $"actions: {actions}");
    }

    private static HostCheckResult Lsm(HostView host, string name, bool active, string fields)
    {
        string lsms = host.Read("/sys/kernel/security/lsm")?.Trim() ?? "";
        bool listed = lsms.Split(',').Contains(name);
        return active || listed
            ? HostCheckResult.Ok("security", name, $"active (LSMs: {lsms})")
            : HostCheckResult.Warn("security", name, $"not active (LSMs: {(lsms == "" ? "none listed" : lsms)}): {fields} cannot be applied",
                $"leave {fields} empty on this host");
    }

    private static HostCheckResult BoundingSet(HostView host)
    {
        string? hex = host.StatusField("/proc/self/status", "CapBnd");
        if (hex is null || !ulong.TryParse(hex, System.Globalization.NumberStyles.HexNumber, null, out ulong bounding))
            return HostCheckResult.Warn("security", "capability bounding set", "cannot read CapBnd from /proc/self/status");
        string[] missing = CapabilityNames.All.Where((_, cap) => (bounding & (1UL << cap)) == 0).ToArray();
        return missing.Length == 0
            ? HostCheckResult.Ok("security", "capability bounding set", "every capability is available")
            : HostCheckResult.Warn("security", "capability bounding set",
                $"missing {string.Join(", ", missing)}: containers asking for them fail",
                "remove them from process.capabilities, or run jaula where its caller has them");
    }
}
