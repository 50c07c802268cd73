namespace Jaula.Diagnostics;

/// <summary>The kernel version and the syscalls jaula builds containers with.</summary>
public static class KernelChecks
{
    /// <summary>openat2 (5.6) is what keeps every path inside the rootfs; jaula cannot work without it.</summary>
    public static readonly Version Minimum = new(5, 6);

    private static readonly (string Name, string Use, bool Essential, string Since)[] Syscalls =
    [
        ("openat2", "resolves every path inside the rootfs (RESOLVE_IN_ROOT)", true, "5.6"),
        ("clone3", "creates the init with its namespaces and a pidfd", true, "5.3"),
        ("pidfd_open", "signals and waits for processes without pid reuse races", true, "5.3"),
        ("close_range", "closes inherited descriptors before exec", false, "5.9"),
        ("mount_setattr", "idmapped mounts (mounts[].uidMappings) and recursive mount attributes", false, "5.12"),
    ];

    public static IEnumerable<HostCheckResult> Run(HostView host, IKernelProbe kernel)
    {
        yield return Version(host);
        foreach (var (name, use, essential, since) in Syscalls)
        {
            yield return kernel.HasSyscall(name)
                ? HostCheckResult.Ok("kernel", name, use, essential)
                : HostCheckResult.Missing("kernel", name, $"the kernel has no {name}(2); jaula uses it: {use}",
                    $"use a kernel of {since} or later", essential);
        }
    }

    private static HostCheckResult Version(HostView host)
    {
        string release = host.Read("/proc/sys/kernel/osrelease")?.Trim() ?? "";
        Version? version = Parse(release);
        if (version is null)
            return HostCheckResult.Warn("kernel", "version", $"cannot read the kernel release (\"{release}\")");
        return version >= Minimum
            ? HostCheckResult.Ok("kernel", "version", release, essential: true)
            : HostCheckResult.Missing("kernel", "version", $"{release} is older than {Minimum}",
                $"use a kernel of {Minimum} or later", essential: true);
    }

    /// <summary>"6.18.0-1-amd64" to 6.18.</summary>
    public static Version? Parse(string release)
    {
        string[] parts = release.Split(['.', '-']);
        return parts.Length >= 2 && int.TryParse(parts[0], out int major) && int.TryParse(parts[1], out int minor)
            ? new Version(major, minor)
            : null;
    }
}
