using Jaula.Linux;

namespace Jaula.Sandbox.Rootfs;

/// <summary>Makes the rootfs the container's "/" and drops the host's tree from the mount namespace.</summary>
public static class RootPivot
{
    /// <summary>
    /// pivot_root(".", ".") stacks the old root on top of the new one; unmounting "." then removes it, with no
    /// temporary directory left in the rootfs. The old root is made a slave first so the unmount cannot propagate
    /// to the host.
    /// </summary>
    public static void Pivot(string rootfs)
    {
        using var oldRoot = Sys.Open("/", OpenFlags.Directory | OpenFlags.ReadOnly | OpenFlags.CloExec);
        using var newRoot = Sys.Open(rootfs, OpenFlags.Directory | OpenFlags.ReadOnly | OpenFlags.CloExec);
        Sys.Fchdir(newRoot);
        Sys.PivotRoot(".", ".");
        Sys.Fchdir(oldRoot);
        Sys.Mount(null, ".", null, MountFlags.Slave | MountFlags.Rec, null);
        Sys.Umount2(".", Sys.MNT_DETACH);
        Sys.Chdir("/");
    }

    /// <summary>
    /// Without a mount namespace of the container's own (runc's chroot path): the host's tree stays mounted and
    /// reachable only by escaping the chroot; nothing moves, nothing is unmounted.
    /// </summary>
    public static void Chroot(string rootfs)
    {
        Sys.Chdir(rootfs);
        Sys.Chroot(".");
        Sys.Chdir("/");
    }

    /// <summary>--no-pivot: move the rootfs over "/" and chroot into it (for ramdisk roots where pivot_root fails).</summary>
    public static void MoveAndChroot(string rootfs)
    {
        Sys.Chdir(rootfs);
        Sys.Mount(rootfs, "/", null, MountFlags.Move, null);
        Sys.Chroot(".");
        Sys.Chdir("/");
    }
}
