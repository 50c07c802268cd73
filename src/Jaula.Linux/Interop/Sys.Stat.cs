using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>File metadata through statx(2), and mount flags through statfs(2).</summary>
public static partial class Sys
{
    /// <summary>struct statx (linux/stat.h), only the fields read here; the kernel writes 256 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(128)] public uint RdevMajor;
        [FieldOffset(132)] public uint RdevMinor;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    private const uint STATX_BASIC_STATS = 0x7FF;

    /// <summary>x86_64 struct statfs is 15 longs (120 bytes); f_flags is the 11th.</summary>
    private const int StatfsLongs = 15;
    private const int StatfsFlagsIndex = 10;

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static unsafe partial int Statx(int dir, string path, int flags, uint mask, StatxBuffer* buffer);

        [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static unsafe partial int Statx(SafeFd dir, string path, int flags, uint mask, StatxBuffer* buffer);

        [LibraryImport("libc", EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static unsafe partial int Statfs(string path, long* buffer);

        [LibraryImport("libc", EntryPoint = "fstatfs", SetLastError = true)]
        internal static unsafe partial int Fstatfs(SafeFd fd, long* buffer);
    }

    /// <summary>stat(2): follows a final symlink.</summary>
    public static FileStatus Stat(string path) =>
        TryStatx(path, 0, out var st) is 0 ? st : throw ErrnoException.FromLastError("stat", path);

    /// <summary>lstat(2): a final symlink is described itself.</summary>
    public static FileStatus Lstat(string path) =>
        TryStatx(path, AT_SYMLINK_NOFOLLOW, out var st) is 0 ? st : throw ErrnoException.FromLastError("lstat", path);

    /// <summary>fstat(2); works on O_PATH descriptors too.</summary>
    public static unsafe FileStatus Fstat(SafeFd fd)
    {
        StatxBuffer buffer;
        ThrowIfFailed(Libc.Statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &buffer), "fstat");
        return ToFileStatus(buffer);
    }

    /// <summary>Like <see cref="Stat"/>, but false when the path does not exist (ENOENT, ENOTDIR); other errors throw.</summary>
    public static bool TryStat(string path, out FileStatus status) => TryStatFollowing(path, 0, "stat", out status);

    /// <summary>Like <see cref="Lstat"/>, but false when the path does not exist (ENOENT, ENOTDIR); other errors throw.</summary>
    public static bool TryLstat(string path, out FileStatus status) => TryStatFollowing(path, AT_SYMLINK_NOFOLLOW, "lstat", out status);

    private static bool TryStatFollowing(string path, int flags, string call, out FileStatus status)
    {
        if (TryStatx(path, flags, out status) is 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno is Errno.ENOENT or Errno.ENOTDIR)
            return false;
        throw new ErrnoException(call, path, errno);
    }

    private static unsafe int TryStatx(string path, int flags, out FileStatus status)
    {
        StatxBuffer buffer;
        int result = Libc.Statx(AT_FDCWD, path, flags, STATX_BASIC_STATS, &buffer);
        status = result == 0 ? ToFileStatus(buffer) : default;
        return result;
    }

    private static FileStatus ToFileStatus(in StatxBuffer b) => new(
        b.Mode, b.Uid, b.Gid, DeviceNumber.Make(b.RdevMajor, b.RdevMinor), DeviceNumber.Make(b.DevMajor, b.DevMinor),
        b.Ino, (long)b.Size);

    public const ulong ST_RDONLY = 1;
    public const ulong ST_NOSUID = 2;
    public const ulong ST_NODEV = 4;
    public const ulong ST_NOEXEC = 8;
    public const ulong ST_SYNCHRONOUS = 16;
    public const ulong ST_MANDLOCK = 64;
    public const ulong ST_NOATIME = 1024;
    public const ulong ST_NODIRATIME = 2048;
    public const ulong ST_RELATIME = 4096;
    public const ulong ST_NOSYMFOLLOW = 0x2000;

    /// <summary>
    /// statfs(2) f_flags of the mount holding <paramref name="path"/>, as ST_* values. Most equal their MS_* mount
    /// flag, but not all (ST_RELATIME is MS_BIND's value; the kernel also sets ST_VALID, MS_REMOUNT's value): use
    /// <see cref="StatfsMountFlags"/> to get mount flags.
    /// </summary>
    public static unsafe ulong StatfsFlags(string path)
    {
        long* buffer = stackalloc long[StatfsLongs + 1];
        ThrowIfFailed(Libc.Statfs(path, buffer), "statfs", path);
        return (ulong)buffer[StatfsFlagsIndex];
    }

    /// <summary>f_type of statfs(2): the filesystem's magic number (e.g. <see cref="PROC_SUPER_MAGIC"/>).</summary>
    public static unsafe long StatfsType(string path)
    {
        long* buffer = stackalloc long[StatfsLongs + 1];
        ThrowIfFailed(Libc.Statfs(path, buffer), "statfs", path);
        return buffer[0];
    }

    /// <summary>f_type of fstatfs(2) on an open descriptor.</summary>
    public static unsafe long FstatfsType(SafeFd fd)
    {
        long* buffer = stackalloc long[StatfsLongs + 1];
        ThrowIfFailed(Libc.Fstatfs(fd, buffer), "fstatfs");
        return buffer[0];
    }

    public const long PROC_SUPER_MAGIC = 0x9fa0;

    /// <summary>The per-mount flags of the mount holding <paramref name="path"/>, translated to MS_* values.</summary>
    public static MountFlags StatfsMountFlags(string path) => MountFlagsOf(StatfsFlags(path));

    /// <summary>Translates statfs f_flags (ST_*) to the MS_* flags a remount would pass; other bits are dropped.</summary>
    public static MountFlags MountFlagsOf(ulong statfsFlags)
    {
        var flags = MountFlags.None;
        foreach (var (st, ms) in StatfsToMount)
        {
            if ((statfsFlags & st) != 0)
                flags |= ms;
        }
        return flags;
    }

    private static readonly (ulong St, MountFlags Ms)[] StatfsToMount =
    [
        (ST_RDONLY, MountFlags.ReadOnly), (ST_NOSUID, MountFlags.NoSuid), (ST_NODEV, MountFlags.NoDev),
        (ST_NOEXEC, MountFlags.NoExec), (ST_SYNCHRONOUS, MountFlags.Synchronous), (ST_MANDLOCK, MountFlags.Mandlock),
        (ST_NOATIME, MountFlags.NoAtime), (ST_NODIRATIME, MountFlags.NoDirAtime), (ST_RELATIME, MountFlags.RelAtime),
        (ST_NOSYMFOLLOW, MountFlags.NoSymFollow),
    ];
}
