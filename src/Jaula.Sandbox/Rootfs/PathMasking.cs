using Jaula.Linux;

namespace Jaula.Sandbox.Rootfs;

/// <summary>linux.maskedPaths and linux.readonlyPaths, applied after pivot_root (paths are the container's).</summary>
public static class PathMasking
{
    private const MountFlags KeptFlags = MountFlags.NoSuid | MountFlags.NoDev | MountFlags.NoExec
        | MountFlags.NoAtime | MountFlags.NoDirAtime | MountFlags.RelAtime;

    /// <summary>Files are covered by /dev/null, directories by an empty read-only tmpfs; absent paths are skipped.</summary>
    public static void Mask(IReadOnlyList<string>? paths)
    {
        for (int i = 0; i < (paths?.Count ?? 0); i++)
        {
            string path = paths![i];
            if (!Sys.TryLstat(path, out var st))
                continue;
            try
            {
                if (st.IsDirectory)
                    Sys.Mount("tmpfs", path, "tmpfs", MountFlags.ReadOnly, null);
                else
                    Sys.Mount("/dev/null", path, null, MountFlags.Bind, null);
            }
            catch (ErrnoException e)
            {
                throw new ContainerSetupException($"linux.maskedPaths[{i}]", e.Message, e);
            }
        }
    }

    /// <summary>A bind of the path onto itself, remounted read-only with the flags it already had.</summary>
    public static void MakeReadonly(IReadOnlyList<string>? paths)
    {
        for (int i = 0; i < (paths?.Count ?? 0); i++)
        {
            string path = paths![i];
            if (!Sys.TryLstat(path, out _))
                continue;
            try
            {
                Sys.Mount(path, path, null, MountFlags.Bind | MountFlags.Rec, null);
                RemountReadonly(path);
            }
            catch (ErrnoException e)
            {
                throw new ContainerSetupException($"linux.readonlyPaths[{i}]", e.Message, e);
            }
        }
    }

    /// <summary>root.readonly uses this on "/".</summary>
    public static void RemountReadonly(string path)
    {
        var kept = Sys.StatfsMountFlags(path) & KeptFlags;
        Sys.Mount(null, path, null, MountFlags.Bind | MountFlags.Remount | MountFlags.ReadOnly | kept, null);
    }
}
