namespace Jaula.Diagnostics;

/// <summary>Each namespace kind of linux.namespaces, and whether user namespaces may be created.</summary>
public static class NamespaceChecks
{
    /// <summary>/proc/self/ns file, the spec's name, and whether a default container (jaula spec) needs it.</summary>
    private static readonly (string File, string Kind, bool Default)[] Kinds =
    [
        ("mnt", "mount", true), ("pid", "pid", true), ("net", "network", true), ("ipc", "ipc", true),
        ("uts", "uts", true), ("cgroup", "cgroup", false), ("user", "user", false), ("time", "time", false),
    ];

    public static IEnumerable<HostCheckResult> Run(HostView host)
    {
        foreach (var (file, kind, isDefault) in Kinds)
        {
            yield return host.Exists($"/proc/self/ns/{file}")
                ? HostCheckResult.Ok("namespaces", kind, $"/proc/self/ns/{file} exists", isDefault)
                : HostCheckResult.Missing("namespaces", kind, $"the kernel has no {kind} namespace (no /proc/self/ns/{file})",
                    $"use a kernel built with the {kind} namespace", essential: isDefault);
        }
        yield return UserNamespaceLimit(host);
        if (host.Read("/proc/sys/kernel/unprivileged_userns_clone")?.Trim() == "0")
        {
            yield return HostCheckResult.Warn("namespaces", "unprivileged user namespaces",
                "kernel.unprivileged_userns_clone is 0: only root can create user namespaces (rootless containers cannot run)",
                "sysctl -w kernel.unprivileged_userns_clone=1");
        }
    }

    private static HostCheckResult UserNamespaceLimit(HostView host)
    {
        string? text = host.Read("/proc/sys/user/max_user_namespaces")?.Trim();
        if (text is null || !long.TryParse(text, out long max))
            return HostCheckResult.Warn("namespaces", "user namespaces allowed", "cannot read /proc/sys/user/max_user_namespaces");
        return max > 0
            ? HostCheckResult.Ok("namespaces", "user namespaces allowed", $"user.max_user_namespaces = {max}")
            : HostCheckResult.Missing("namespaces", "user namespaces allowed",
                "user.max_user_namespaces is 0: containers with a user namespace cannot run",
                "sysctl -w user.max_user_namespaces=15000");
    }
}
