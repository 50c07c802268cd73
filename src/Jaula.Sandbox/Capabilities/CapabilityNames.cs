namespace Jaula.Sandbox.Capabilities;

/// <summary>The capability names of capabilities(7) and their numbers (linux/capability.h).</summary>
public static class CapabilityNames
{
    private static readonly string[] Names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    private static readonly Dictionary<string, int> Numbers =
        Names.Select((name, cap) => (name, cap)).ToDictionary(p => p.name, p => p.cap, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every known name, in capability-number order.</summary>
    public static IReadOnlyList<string> All => Names;

    /// <summary>The highest capability number this table knows (CAP_CHECKPOINT_RESTORE).</summary>
    public static int Last => Names.Length - 1;

    /// <summary>"CAP_KILL" (any case) to 5. The CAP_ prefix is required, as in the spec's examples.</summary>
    public static bool TryParse(string name, out int cap) => Numbers.TryGetValue(name, out cap);

    /// <summary>5 to "CAP_KILL"; numbers past the table (a newer kernel) come back as "capability 41".</summary>
    public static string Name(int cap) => cap >= 0 && cap < Names.Length ? Names[cap] : $"capability {cap}";

    /// <summary>The names of the bits set in <paramref name="mask"/>, lowest first.</summary>
    public static IEnumerable<string> NamesOf(ulong mask)
    {
        for (int cap = 0; cap < 64; cap++)
        {
            if ((mask & (1UL << cap)) != 0)
                yield return Name(cap);
        }
    }
}
