namespace Jaula.Sandbox.Rlimits;

/// <summary>RLIMIT_* names of getrlimit(2) and their Linux resource numbers.</summary>
public static class RlimitNames
{
    public const int RLIMIT_NOFILE = 7;

    private static readonly string[] Names =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    public static IReadOnlyList<string> All => Names;

    /// <summary>"RLIMIT_NOFILE" to 7. Exact names only: the spec's values are the man page's spelling.</summary>
    public static bool TryParse(string name, out int resource)
    {
        resource = Array.IndexOf(Names, name);
        return resource >= 0;
    }

    /// <summary>7 to "RLIMIT_NOFILE"; unknown numbers come back as "resource 16".</summary>
    public static string Name(int resource) =>
        resource >= 0 && resource < Names.Length ? Names[resource] : $"resource {resource}";
}
