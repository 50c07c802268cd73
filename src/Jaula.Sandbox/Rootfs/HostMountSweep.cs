using Jaula.Linux;

namespace Jaula.Sandbox.Rootfs;

/// <summary>
/// A container without a mount namespace of its own makes its mounts in the host's, under its rootfs. What create
/// recorded first (<see cref="Existing"/>: the mounts already at or under the rootfs, such as an engine's overlay) stays;
/// every other mount at or under the rootfs goes at delete or after a failed create, deepest first, with MNT_DETACH.
/// Each is reached through an fd opened beneath the rootfs without following any symlink, so a container that swapped
/// a directory for a link cannot aim the unmount at a host mount.
/// </summary>
public static class HostMountSweep
{
    private const int MaxPasses = 4;

    /// <summary>The IDs of the mounts at or under <paramref name="rootfs"/> now.</summary>
    public static List<int> Existing(IReadOnlyList<MountInfo> mounts, string rootfs) =>
        [.. mounts.Where(m => IsAtOrUnder(m.MountPoint, rootfs)).Select(m => m.Id)];

    /// <summary>
    /// The mounts to remove, in unmount order: mountinfo lists a mount after the one it sits in or on, so the reverse
    /// takes children before parents and the top of a stack first.
    /// </summary>
    public static List<MountInfo> Select(IReadOnlyList<MountInfo> mounts, string rootfs, IReadOnlyCollection<int> before)
    {
        var chosen = new List<MountInfo>();
        for (int i = mounts.Count - 1; i >= 0; i--)
        {
            if (IsAtOrUnder(mounts[i].MountPoint, rootfs) && !before.Contains(mounts[i].Id))
                chosen.Add(mounts[i]);
        }
        return chosen;
    }

    /// <summary>The path as mountinfo spells it: every symlink resolved (through /proc/self/fd of the opened directory).</summary>
    public static string Canonical(string path)
    {
        using var fd = Sys.Open(path, OpenFlags.Path | OpenFlags.Directory | OpenFlags.CloExec);
        return Sys.ReadLink(fd.ProcPath);
    }

    public static bool IsAtOrUnder(string mountPoint, string rootfs)
    {
        string root = rootfs.Length > 1 ? rootfs.TrimEnd('/') : rootfs;
        return mountPoint == root || mountPoint.StartsWith(root + "/", StringComparison.Ordinal);
    }

    /// <summary>
    /// Unmounts what <see cref="Select"/> names, again until nothing is left (an unmount detaches a whole subtree, so
    /// later entries may be gone already). Returns the mount points that would not go.
    /// </summary>
    public static List<string> Sweep(string rootfs, IReadOnlyCollection<int> before)
    {
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            var left = Select(MountInfo.ReadSelf(), rootfs, before);
            if (left.Count == 0)
                return [];
            foreach (var mount in left)
                TryUnmount(rootfs, mount.MountPoint);
        }
        return [.. Select(MountInfo.ReadSelf(), rootfs, before).Select(m => m.MountPoint)];
    }

    /// <summary>Gone already (ENOENT, EINVAL: no longer a mount point) is success: an earlier detach took it along.</summary>
    private static void TryUnmount(string rootfs, string mountPoint)
    {
        using var cwd = SafeFd.AtCwd;
        int errno = Sys.TryOpenAt2(cwd, rootfs, OpenFlags.Path | OpenFlags.Directory | OpenFlags.NoFollow | OpenFlags.CloExec,
            ResolveFlags.NoSymlinks | ResolveFlags.NoMagicLinks, 0, out var root);
        if (errno != 0)
            return;
        using (root)
        {
            string relative = mountPoint.Length == rootfs.TrimEnd('/').Length ? "." : mountPoint[(rootfs.TrimEnd('/').Length + 1)..];
            errno = Sys.TryOpenAt2(root, relative, OpenFlags.Path | OpenFlags.NoFollow | OpenFlags.CloExec,
                ResolveFlags.Beneath | ResolveFlags.NoSymlinks | ResolveFlags.NoMagicLinks, 0, out var target);
            if (errno != 0)
                return;
            using (target)
            {
                try
                {
                    Sys.Umount2(target.ProcPath, Sys.MNT_DETACH);
                }
                catch (ErrnoException e) when (e.Errno is Errno.EINVAL or Errno.ENOENT) { }
            }
        }
    }
}
