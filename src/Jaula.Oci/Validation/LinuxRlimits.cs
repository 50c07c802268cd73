namespace Jaula.Oci;

/// <summary>The RLIMIT_* names of getrlimit(2), indexed by resource number (asm-generic numbering, x86-64 and arm64).</summary>
public static class LinuxRlimits
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    private static readonly Dictionary<string, int> ResourceByName =
        Names.Select((name, number) => (name, number)).ToDictionary(p => p.name, p => p.number, StringComparer.Ordinal);

    /// <summary>Finds the resource number of an exact name such as "RLIMIT_NOFILE".</summary>
    public static bool TryGetResource(string name, out int resource) => ResourceByName.TryGetValue(name, out resource);
}
