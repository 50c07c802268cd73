namespace Jaula.IntegrationTests.Harness;

/// <summary>Turns capability names into the hex mask /proc/&lt;pid&gt;/status shows (CapEff, CapBnd, ...).</summary>
public static class CapabilityMask
{
    // Index = the kernel's capability number (include/uapi/linux/capability.h).
    private static readonly string[] s_names =
    [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    ];

    /// <summary>The 16-digit lowercase hex form of /proc/self/status.</summary>
    public static string Hex(IEnumerable<string> names) => Of(names).ToString("x16");

    public static ulong Of(IEnumerable<string> names)
    {
        ulong mask = 0;
        foreach (string name in names)
        {
            int bit = Array.IndexOf(s_names, name.StartsWith("CAP_", StringComparison.Ordinal) ? name[4..] : name);
            if (bit < 0)
            {
                throw new ArgumentException($"unknown capability {name}");
            }
            mask |= 1UL << bit;
        }
        return mask;
    }
}
