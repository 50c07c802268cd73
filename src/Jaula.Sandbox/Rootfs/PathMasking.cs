using Jaula.Linux;

namespace Jaula.Sandbox.Rootfs;

/// <summary>
/// linux.maskedPaths and linux.readonlyPaths, applied after pivot_root. The image controls these paths' symlinks, so
/// each is opened through <see cref="SecurePath"/> (no escape, no /proc magic links) and mounted on by fd.
/// </summary>
public static class PathMasking
{
    /// <summary>Files are covered by /dev/null, directories by an empty read-only tmpfs; absent paths are skipped.</summary>
    public static void Mask(IReadOnlyList<string>? paths)
    {
        using var root = OpenRoot();
        using var devNull = paths is { Count: > 0 } ? OpenNullDevice(root) : null;
        for (int i = 0; i < (paths?.Count ?? 0); i++)
        {
            try
            {
                using var target = SecurePath.TryOpen(root, paths![i]);
                if (target is null)
                    continue;
                string path = SecurePath.ProcPath(target);
                if (Sys.Fstat(target).IsDirectory)
                    Sys.Mount("tmpfs", path, "tmpfs", MountFlags.ReadOnly, null);
                else
                    Sys.Mount(SecurePath.ProcPath(devNull!), path, null, MountFlags.Bind, null);
            }
            catch (ErrnoException e)
            {
                throw new ContainerSetupException($"linux.maskedPaths[{i}]", $"{paths![i]}: {e.Message}", e);
            }
        }
    }

    /// <summary>A bind of the path onto itself, remounted read-only with the flags it already had.</summary>
    public static void MakeReadonly(IReadOnlyList<string>? paths)
    {
        using var root = OpenRoot();
        for (int i = 0; i < (paths?.Count ?? 0); i++)
        {
            try
            {
                using (var target = SecurePath.TryOpen(root, paths![i]))
                {
                    if (target is null)
                        continue;
                    string path = SecurePath.ProcPath(target);
                    Sys.Mount(path, path, null, MountFlags.Bind | MountFlags.Rec, null);
                }
                // Reopened: the first fd names the file under the new bind.
                using var bound = SecurePath.TryOpen(root, paths[i])!;
                RemountReadonly(SecurePath.ProcPath(bound));
            }
            catch (ErrnoException e)
            {
                throw new ContainerSetupException($"linux.readonlyPaths[{i}]", $"{paths![i]}: {e.Message}", e);
            }
        }
    }

    /// <summary>root.readonly uses this on "/".</summary>
    public static void RemountReadonly(string path)
    {
        var kept = Sys.StatfsMountFlags(path) & MountApplier.InheritedFlags;
        Sys.Mount(null, path, null, MountFlags.Bind | MountFlags.Remount | MountFlags.ReadOnly | kept, null);
    }

    /// <summary>
    /// CVE-2025-31133: the container's /dev/null, opened in-root and checked to be char 1:3, is what covers masked
    /// files, by fd: an image's /dev/null that is a symlink or another file never gets bound over them.
    /// </summary>
    private static SafeFd OpenNullDevice(SafeFd root)
    {
        SafeFd? fd;
        try
        {
            fd = SecurePath.TryOpen(root, "/dev/null");
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException("linux.maskedPaths", $"opening /dev/null to cover the masked paths: {e.Message}", e);
        }
        if (fd is null)
            throw new ContainerSetupException("linux.maskedPaths", "/dev/null is missing in the container: masked files are covered with it");
        var st = Sys.Fstat(fd);
        if (!st.IsCharDevice || st.RdevMajor != 1 || st.RdevMinor != 3)
        {
            fd.Dispose();
            throw new ContainerSetupException("linux.maskedPaths", "/dev/null in the container is not the null device (char 1:3); refusing to cover masked paths with it");
        }
        return fd;
    }

    private static SafeFd OpenRoot() => Sys.Open("/", OpenFlags.Path | OpenFlags.Directory | OpenFlags.CloExec);
}
