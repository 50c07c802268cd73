using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Mounts;

namespace Jaula.Sandbox.Rootfs;

/// <summary>
/// A mount of type "cgroup" shows the container its own cgroups. On a cgroup v2 host that is one bind of the
/// container's cgroup directory; on v1 and hybrid hosts it is a tmpfs holding one bind per hierarchy (as runc does),
/// plus the host's alias symlinks (cpu -> cpu,cpuacct).
/// </summary>
public static class CgroupMount
{
    private const string HostRoot = "/sys/fs/cgroup";

    private const MountFlags CarriedFlags = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec
        | MountFlags.NoAtime | MountFlags.NoDirAtime | MountFlags.RelAtime | MountFlags.StrictAtime;

    public static void Apply(MountSpec mount, MountOptions options, MountContext context)
    {
        var hostMounts = context.HostMounts.Where(m => m.FsType is "cgroup" or "cgroup2").ToList();
        var own = context.HostCgroups;
        var flags = options.Flags & CarriedFlags;
        bool readOnly = (options.Flags & MountFlags.ReadOnly) != 0;
        var readOnlyFlag = readOnly ? MountFlags.ReadOnly : 0;

        if (hostMounts.FirstOrDefault(m => m.MountPoint == HostRoot && m.FsType == "cgroup2") is { } unified)
        {
            BindHierarchy(context, unified, own, mount.Destination, flags | readOnlyFlag);
            return;
        }

        using (var target = SecurePath.MkdirAll(context.RootFd, mount.Destination))
            Sys.Mount("tmpfs", SecurePath.ProcPath(target), "tmpfs", flags, "mode=755");
        foreach (var hierarchy in hostMounts.Where(m => m.MountPoint.StartsWith(HostRoot + "/", StringComparison.Ordinal)))
        {
            string name = hierarchy.MountPoint[(HostRoot.Length + 1)..];
            if (name.Contains('/'))
                continue;
            BindHierarchy(context, hierarchy, own, $"{mount.Destination}/{name}", flags | readOnlyFlag);
        }
        CopyAliasSymlinks(context, mount.Destination);
        if (readOnly)
        {
            using var target = SecurePath.TryOpen(context.RootFd, mount.Destination)!;
            Sys.Mount(null, SecurePath.ProcPath(target), null, MountFlags.Remount | MountFlags.ReadOnly | flags, "mode=755");
        }
    }

    private static void BindHierarchy(MountContext context, MountInfo hierarchy, IReadOnlyList<OwnCgroup> own,
        string destination, MountFlags flags)
    {
        string hostDir = hierarchy.MountPoint;
        // In a cgroup namespace mountinfo shows the host's hierarchy root as "/../.."; it is the hierarchy's "/".
        string mountRoot = hierarchy.Root.StartsWith("/..", StringComparison.Ordinal) ? "/" : hierarchy.Root;
        if (own.FirstOrDefault(c => c.Matches(hierarchy)) is { } mine && mine.Path.StartsWith(mountRoot, StringComparison.Ordinal))
        {
            string below = mine.Path[mountRoot.Length..].Trim('/');
            string candidate = below.Length == 0 ? hostDir : $"{hostDir}/{below}";
            if (Directory.Exists(candidate))
                hostDir = candidate;
        }
        using (var target = SecurePath.MkdirAll(context.RootFd, destination))
            Sys.Mount(hostDir, SecurePath.ProcPath(target), null, MountFlags.Bind | MountFlags.Rec, null);
        // A bind of a host mount joins its propagation (a slave of it under the default rslave "/"): where the host
        // shares /sys/fs/cgroup (systemd does), criu refuses to dump a mount whose master is outside the container
        // ("unreachable sharing"). Private, as runc's own cgroup2 mount is: nothing propagates into it either way.
        using (var bound = SecurePath.TryOpen(context.RootFd, destination) ?? throw new ErrnoException("openat2", destination, Errno.ENOENT))
            Sys.Mount(null, SecurePath.ProcPath(bound), null, MountFlags.Private, null);
        MountApplier.Remount(context, destination, flags);
    }

    private static void CopyAliasSymlinks(MountContext context, string destination)
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(HostRoot))
        {
            if (!Sys.TryLstat(entry, out var st) || !st.IsSymlink)
                continue;
            string target = Sys.ReadLink(entry);
            if (target.Contains('/'))
                continue; // only the plain aliases between hierarchies
            using var dir = SecurePath.MkdirAll(context.RootFd, destination);
            Sys.Symlink(target, $"{SecurePath.ProcPath(dir)}/{Path.GetFileName(entry)}");
        }
    }
}

/// <summary>One line of /proc/self/cgroup: "hierarchy-id:controllers:path".</summary>
public sealed record OwnCgroup(string Controllers, string Path)
{
    public static IReadOnlyList<OwnCgroup> Parse(IEnumerable<string> lines) =>
        lines.Select(l => l.Split(':', 3)).Where(p => p.Length == 3).Select(p => new OwnCgroup(p[1], p[2])).ToList();

    /// <summary>v2 has no controllers in /proc/self/cgroup; a v1 line matches the mount whose options list its controllers.</summary>
    public bool Matches(MountInfo mount)
    {
        if (Controllers.Length == 0)
            return mount.FsType == "cgroup2";
        if (mount.FsType != "cgroup")
            return false;
        var options = mount.SuperOptions.Split(',');
        return Controllers.Split(',').All(c => options.Contains(c));
    }
}
