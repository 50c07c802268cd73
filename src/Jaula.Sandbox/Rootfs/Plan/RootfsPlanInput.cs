using Jaula.Linux;
using Jaula.Sandbox.Process;

namespace Jaula.Sandbox.Rootfs.Plan;

/// <summary>What a host path is, for a bind source.</summary>
public enum HostFileKind
{
    Missing,
    Directory,
    Other,
}

/// <summary>
/// Everything the compiler needs besides the spec: the rootfs and bundle, the namespace facts, and what it reads
/// from the host (mountinfo, the init's cgroups, bind sources). Tests give their own; <see cref="FromHost"/> reads
/// the real ones.
/// </summary>
public sealed record RootfsPlanInput
{
    public required string Rootfs { get; init; }
    public required string Bundle { get; init; }

    /// <summary>In a user namespace mknod is refused and a bind remount cannot clear flags locked by the host.</summary>
    public bool InUserNamespace { get; init; }
    public bool NoPivot { get; init; }

    /// <summary>No mount namespace of the container's own: "/" stays untouched, the init chroots (runc's way).</summary>
    public bool SharedMountNamespace { get; init; }

    /// <summary>/proc/self/mountinfo before any container mount.</summary>
    public IReadOnlyList<MountInfo> HostMounts { get; init; } = [];

    /// <summary>The init's cgroups (/proc/self/cgroup), for mounts of type "cgroup".</summary>
    public IReadOnlyList<OwnCgroup> Cgroups { get; init; } = [];

    /// <summary>Idmapped mounts[] entries by index: the fd of the detached tree the parent made.</summary>
    public IReadOnlyDictionary<int, int> MountTrees { get; init; } = new Dictionary<int, int>();

    /// <summary>Whether the host has /proc/kcore (then /dev/core links to it).</summary>
    public bool HasKcore { get; init; }

    /// <summary>The plain aliases in the host's /sys/fs/cgroup (name, target): cpu -> cpu,cpuacct.</summary>
    public IReadOnlyList<(string Name, string Target)> CgroupAliases { get; init; } = [];

    /// <summary>
    /// The sync socket's number in the process that runs the plan: with process.terminal the Console operation sends
    /// the pty master to the parent on it (a CONSOLE frame). -1: none (a plan with a terminal then does not compile).
    /// </summary>
    public int SyncFd { get; init; } = -1;

    /// <summary>What the process operations need (keyring, bounding set); tests keep the default.</summary>
    public ProcessFacts Process { get; init; } = new();

    /// <summary>What a host path is (following symlinks; Missing when even lstat fails).</summary>
    public Func<string, HostFileKind> Probe { get; init; } = _ => HostFileKind.Missing;

    public static RootfsPlanInput FromHost(string rootfs, string bundle, IReadOnlyList<OwnCgroup> cgroups) => new()
    {
        Rootfs = rootfs,
        Bundle = bundle,
        HostMounts = MountInfo.ReadSelf(),
        Cgroups = cgroups,
        HasKcore = File.Exists("/proc/kcore"),
        CgroupAliases = ReadCgroupAliases(),
        Probe = ProbeHost,
    };

    private static HostFileKind ProbeHost(string path)
    {
        if (!Sys.TryLstat(path, out _))
            return HostFileKind.Missing;
        return Sys.Stat(path).IsDirectory ? HostFileKind.Directory : HostFileKind.Other;
    }

    private static List<(string, string)> ReadCgroupAliases()
    {
        var aliases = new List<(string, string)>();
        if (!Directory.Exists("/sys/fs/cgroup"))
            return aliases;
        foreach (string entry in Directory.EnumerateFileSystemEntries("/sys/fs/cgroup"))
        {
            if (!Sys.TryLstat(entry, out var st) || !st.IsSymlink)
                continue;
            string target = Sys.ReadLink(entry);
            if (!target.Contains('/'))
                aliases.Add((System.IO.Path.GetFileName(entry), target)); // only the plain aliases between hierarchies
        }
        return aliases;
    }
}
