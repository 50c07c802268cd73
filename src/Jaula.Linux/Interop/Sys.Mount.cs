using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>mount(2), umount2(2), pivot_root(2) and the new mount API (mount_setattr, open_tree, move_mount).</summary>
public static partial class Sys
{
    /// <summary>umount2: detach now, clean up when no longer busy.</summary>
    public const int MNT_DETACH = 2;

    public const uint OPEN_TREE_CLONE = 1;
    public const uint OPEN_TREE_CLOEXEC = 0x80000;
    public const uint MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    public const uint MOVE_MOUNT_T_EMPTY_PATH = 0x40;

    /// <summary>struct mount_attr (linux/mount.h), MOUNT_ATTR_SIZE_VER0.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttrArgs
    {
        public ulong AttrSet;
        public ulong AttrClr;
        public ulong Propagation;
        public ulong UsernsFd;
    }

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Mount(string? source, string target, string? fsType, ulong flags, string? data);

        [LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Umount2(string target, int flags);
    }

    /// <summary>mount(2). The error names the source and target: "mount proc on /x/proc: No such device".</summary>
    public static void Mount(string? source, string target, string? fsType, MountFlags flags, string? data)
    {
        if (Libc.Mount(source, target, fsType, (ulong)flags, data) != 0)
            throw ErrnoException.FromLastError("mount", source is null ? target : $"{source} on {target}");
    }

    public static void Umount2(string target, int flags) => ThrowIfFailed(Libc.Umount2(target, flags), "umount2", target);

    /// <summary>pivot_root(2): <paramref name="newRoot"/> becomes "/", the old root moves to <paramref name="putOld"/>.</summary>
    public static unsafe void PivotRoot(string newRoot, string putOld)
    {
        fixed (byte* n = CString(newRoot))
        fixed (byte* o = CString(putOld))
            ThrowIfFailed(Syscall(SyscallNumber.PivotRoot, (nint)n, (nint)o), "pivot_root", newRoot);
    }

    /// <summary>
    /// mount_setattr(2): changes mount attributes (and propagation, an MS_* propagation flag or 0) of the mount at
    /// <paramref name="path"/> under <paramref name="dirFd"/>; with AT_RECURSIVE, of every mount below it too.
    /// <paramref name="userNsFd"/> is the user namespace for <see cref="MountAttr.Idmap"/>.
    /// </summary>
    public static unsafe void MountSetattr(SafeFd dirFd, string path, uint atFlags, MountAttr set, MountAttr clear,
        ulong propagation, int userNsFd = -1)
    {
        var attr = new MountAttrArgs
        {
            AttrSet = (ulong)set,
            AttrClr = (ulong)clear,
            Propagation = propagation,
            UsernsFd = userNsFd < 0 ? 0 : (ulong)userNsFd,
        };
        using var dir = new BorrowedFd(dirFd);
        fixed (byte* p = CString(path))
        {
            long result = Syscall(SyscallNumber.MountSetattr, dir.Value, (nint)p, (nint)atFlags, (nint)(&attr),
                sizeof(MountAttrArgs));
            ThrowIfFailed(result, "mount_setattr", path.Length == 0 ? null : path);
        }
    }

    /// <summary>open_tree(2): an fd for the mount at <paramref name="path"/>, or (OPEN_TREE_CLONE) a detached copy of it.</summary>
    public static unsafe SafeFd OpenTree(SafeFd dirFd, string path, uint flags)
    {
        using var dir = new BorrowedFd(dirFd);
        fixed (byte* p = CString(path))
        {
            long fd = Syscall(SyscallNumber.OpenTree, dir.Value, (nint)p, (nint)flags);
            ThrowIfFailed(fd, "open_tree", path.Length == 0 ? null : path);
            return SafeFd.Own((int)fd);
        }
    }

    /// <summary>move_mount(2): attaches a mount (e.g. from <see cref="OpenTree"/>) at the target.</summary>
    public static unsafe void MoveMount(SafeFd fromDir, string fromPath, SafeFd toDir, string toPath, uint flags)
    {
        using var from = new BorrowedFd(fromDir);
        using var to = new BorrowedFd(toDir);
        fixed (byte* f = CString(fromPath))
        fixed (byte* t = CString(toPath))
        {
            long result = Syscall(SyscallNumber.MoveMount, from.Value, (nint)f, to.Value, (nint)t, (nint)flags);
            ThrowIfFailed(result, "move_mount", toPath.Length == 0 ? null : toPath);
        }
    }
}
