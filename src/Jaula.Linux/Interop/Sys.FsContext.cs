namespace Jaula.Linux;

/// <summary>
/// The new mount API's superblock side: fsopen(2), fsconfig(2) and fsmount(2). Together they make a detached mount
/// (an fd, in no mount table) that lives as long as something holds it open.
/// </summary>
public static partial class Sys
{
    private const uint FSOPEN_CLOEXEC = 0x1;
    private const uint FSMOUNT_CLOEXEC = 0x1;
    private const uint FSCONFIG_SET_STRING = 1;
    private const uint FSCONFIG_SET_FD = 5;
    private const uint FSCONFIG_CMD_CREATE = 6;

    /// <summary>fsopen(2): a close-on-exec filesystem context for a new superblock of <paramref name="fsType"/>.</summary>
    public static unsafe SafeFd FsOpen(string fsType)
    {
        fixed (byte* t = CString(fsType))
        {
            long fd = Syscall(SyscallNumber.Fsopen, (nint)t, (nint)FSOPEN_CLOEXEC);
            ThrowIfFailed(fd, "fsopen", fsType);
            return SafeFd.Own((int)fd);
        }
    }

    /// <summary>fsconfig(FSCONFIG_SET_STRING): sets the parameter <paramref name="key"/> to <paramref name="value"/>.</summary>
    public static unsafe void FsConfigSetString(SafeFd context, string key, string value)
    {
        using var ctx = new BorrowedFd(context);
        fixed (byte* k = CString(key))
        fixed (byte* v = CString(value))
            ThrowIfFailed(Syscall(SyscallNumber.Fsconfig, ctx.Value, (nint)FSCONFIG_SET_STRING, (nint)k, (nint)v, 0), "fsconfig", key);
    }

    /// <summary>fsconfig(FSCONFIG_SET_FD): sets the parameter <paramref name="key"/> to the file <paramref name="fd"/>.</summary>
    public static unsafe void FsConfigSetFd(SafeFd context, string key, SafeFd fd)
    {
        using var ctx = new BorrowedFd(context);
        using var value = new BorrowedFd(fd);
        fixed (byte* k = CString(key))
            ThrowIfFailed(Syscall(SyscallNumber.Fsconfig, ctx.Value, (nint)FSCONFIG_SET_FD, (nint)k, 0, value.Value), "fsconfig", key);
    }

    /// <summary>fsconfig(FSCONFIG_CMD_CREATE): creates the superblock from the parameters set.</summary>
    public static void FsConfigCreate(SafeFd context)
    {
        using var ctx = new BorrowedFd(context);
        ThrowIfFailed(Syscall(SyscallNumber.Fsconfig, ctx.Value, (nint)FSCONFIG_CMD_CREATE), "fsconfig(FSCONFIG_CMD_CREATE)");
    }

    /// <summary>fsmount(2): a close-on-exec fd of a detached mount of the created superblock, with <paramref name="attributes"/>.</summary>
    public static SafeFd FsMount(SafeFd context, MountAttr attributes)
    {
        using var ctx = new BorrowedFd(context);
        long fd = Syscall(SyscallNumber.Fsmount, ctx.Value, (nint)FSMOUNT_CLOEXEC, (nint)(ulong)attributes);
        ThrowIfFailed(fd, "fsmount");
        return SafeFd.Own((int)fd);
    }
}
