using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>Opening, creating, linking, removing and changing files, and the working and root directories.</summary>
public static partial class Sys
{
    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Open(string path, int flags, uint mode);

        [LibraryImport("libc", EntryPoint = "openat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int OpenAt(SafeFd dir, string path, int flags, uint mode);

        [LibraryImport("libc", EntryPoint = "mkdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Mkdir(string path, uint mode);

        [LibraryImport("libc", EntryPoint = "mkdirat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int MkdirAt(SafeFd dir, string name, uint mode);

        [LibraryImport("libc", EntryPoint = "mknod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Mknod(string path, uint mode, ulong dev);

        [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Mkfifo(string path, uint mode);

        [LibraryImport("libc", EntryPoint = "symlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Symlink(string target, string linkPath);

        [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static unsafe partial nint ReadLink(string path, byte* buffer, nuint size);

        [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Lchown(string path, uint uid, uint gid);

        [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
        internal static partial int Fchown(SafeFd fd, uint uid, uint gid);

        [LibraryImport("libc", EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Chmod(string path, uint mode);

        [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
        internal static partial int Fchmod(SafeFd fd, uint mode);

        [LibraryImport("libc", EntryPoint = "unlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Unlink(string path);

        [LibraryImport("libc", EntryPoint = "rmdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Rmdir(string path);

        [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Rename(string from, string to);

        [LibraryImport("libc", EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int RenameAt2(int fromDir, string from, int toDir, string to, uint flags);

        [LibraryImport("libc", EntryPoint = "umask")]
        internal static partial uint Umask(uint mask);

        [LibraryImport("libc", EntryPoint = "chdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Chdir(string path);

        [LibraryImport("libc", EntryPoint = "getcwd", SetLastError = true)]
        internal static unsafe partial byte* Getcwd(byte* buffer, nuint size);

        [LibraryImport("libc", EntryPoint = "fchdir", SetLastError = true)]
        internal static partial int Fchdir(SafeFd fd);

        [LibraryImport("libc", EntryPoint = "chroot", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Chroot(string path);

        [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Access(string path, int mode);
    }

    /// <summary>open(2); retries EINTR, which opening a fifo can return while it waits for the other end.</summary>
    public static SafeFd Open(string path, OpenFlags flags, uint mode = 0)
    {
        while (true)
        {
            int fd = Libc.Open(path, (int)flags, mode);
            if (fd >= 0)
                return SafeFd.Own(fd);
            if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                throw ErrnoException.FromLastError("open", path);
        }
    }

    /// <summary>openat(2): <paramref name="path"/> relative to <paramref name="dir"/>; retries EINTR.</summary>
    public static SafeFd OpenAt(SafeFd dir, string path, OpenFlags flags, uint mode = 0)
    {
        while (true)
        {
            int fd = Libc.OpenAt(dir, path, (int)flags, mode);
            if (fd >= 0)
                return SafeFd.Own(fd);
            if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                throw ErrnoException.FromLastError("openat", path);
        }
    }

    /// <summary>struct open_how (linux/openat2.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    private const int O_TMPFILE = 0x410000;

    /// <summary>openat2 returns EAGAIN when a rename or mount raced the walk; it is safe to simply try again.</summary>
    private const int OpenAt2Retries = 64;

    /// <summary>openat2(2): opens <paramref name="path"/> under <paramref name="dir"/> with the RESOLVE_* restrictions.</summary>
    public static SafeFd OpenAt2(SafeFd dir, string path, OpenFlags flags, ResolveFlags resolve, uint mode = 0)
    {
        int errno = TryOpenAt2(dir, path, flags, resolve, mode, out var fd);
        return errno == 0 ? fd : throw new ErrnoException("openat2", path, errno);
    }

    /// <summary>
    /// openat2(2) without throwing: 0 and the descriptor, or the errno (and an invalid descriptor). Retries EINTR,
    /// and EAGAIN unless <see cref="ResolveFlags.Cached"/> asked for it.
    /// </summary>
    public static unsafe int TryOpenAt2(SafeFd dir, string path, OpenFlags flags, ResolveFlags resolve, uint mode, out SafeFd fd)
    {
        // openat2, unlike openat, rejects a mode without O_CREAT or O_TMPFILE.
        bool creates = (flags & OpenFlags.Create) != 0 || ((int)flags & O_TMPFILE) == O_TMPFILE;
        var how = new OpenHow { Flags = (uint)flags, Mode = creates ? mode : 0, Resolve = (ulong)resolve };
        byte[] name = CString(path);
        using var borrowed = new BorrowedFd(dir);
        fixed (byte* p = name)
        {
            for (int attempt = 0; ; attempt++)
            {
                long result = Syscall(SyscallNumber.Openat2, borrowed.Value, (nint)p, (nint)(&how), sizeof(OpenHow));
                if (result >= 0)
                {
                    fd = SafeFd.Own((int)result);
                    return 0;
                }
                int errno = Marshal.GetLastPInvokeError();
                bool retry = errno == Errno.EINTR
                    || (errno == Errno.EAGAIN && (resolve & ResolveFlags.Cached) == 0 && attempt < OpenAt2Retries);
                if (!retry)
                {
                    fd = new SafeFd();
                    return errno;
                }
            }
        }
    }

    /// <summary>mkdir(2); an existing entry is an error (EEXIST).</summary>
    public static void Mkdir(string path, uint mode) => ThrowIfFailed(Libc.Mkdir(path, mode), "mkdir", path);

    /// <summary>mkdirat(2): creates <paramref name="name"/> inside <paramref name="dir"/> (an O_PATH fd is fine).</summary>
    public static void MkdirAt(SafeFd dir, string name, uint mode) => ThrowIfFailed(Libc.MkdirAt(dir, name, mode), "mkdirat", name);

    /// <summary>mknod(2). <paramref name="mode"/> holds the node type (S_IFCHR...) and the permissions; the umask applies.</summary>
    public static void Mknod(string path, uint mode, ulong dev) => ThrowIfFailed(Libc.Mknod(path, mode, dev), "mknod", path);

    /// <summary>makedev(3).</summary>
    public static ulong Makedev(uint major, uint minor) => DeviceNumber.Make(major, minor);

    public static void Mkfifo(string path, uint mode) => ThrowIfFailed(Libc.Mkfifo(path, mode), "mkfifo", path);

    /// <summary>Creates <paramref name="linkPath"/> pointing at <paramref name="target"/>.</summary>
    public static void Symlink(string target, string linkPath) =>
        ThrowIfFailed(Libc.Symlink(target, linkPath), "symlink", $"{linkPath} -> {target}");

    /// <summary>readlink(2): the target of a symbolic link, as stored (not resolved).</summary>
    public static unsafe string ReadLink(string path)
    {
        for (int size = 256; ; size *= 2)
        {
            var buffer = new byte[size];
            nint n;
            fixed (byte* p = buffer)
                n = Libc.ReadLink(path, p, (nuint)size);
            ThrowIfFailed(n, "readlink", path);
            // A result that fills the buffer may have been truncated: readlink does not say.
            if (n < size)
                return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
        }
    }

    public static void Lchown(string path, uint uid, uint gid) => ThrowIfFailed(Libc.Lchown(path, uid, gid), "lchown", path);

    public static void Fchown(SafeFd fd, uint uid, uint gid) => ThrowIfFailed(Libc.Fchown(fd, uid, gid), "fchown");

    public static void Chmod(string path, uint mode) => ThrowIfFailed(Libc.Chmod(path, mode), "chmod", path);

    public static void Fchmod(SafeFd fd, uint mode) => ThrowIfFailed(Libc.Fchmod(fd, mode), "fchmod");

    public static void Unlink(string path) => ThrowIfFailed(Libc.Unlink(path), "unlink", path);

    public static void Rmdir(string path) => ThrowIfFailed(Libc.Rmdir(path), "rmdir", path);

    public static void Rename(string from, string to) => ThrowIfFailed(Libc.Rename(from, to), "rename", $"{from} to {to}");

    private const uint RENAME_NOREPLACE = 1;

    /// <summary>rename(2) that fails with EEXIST instead of replacing the target (an empty directory would be replaced).</summary>
    public static void RenameNoReplace(string from, string to) =>
        ThrowIfFailed(Libc.RenameAt2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE), "renameat2", $"{from} to {to}");

    /// <summary>umask(2): sets the mask and returns the previous one. Process-wide.</summary>
    public static uint Umask(uint mask) => Libc.Umask(mask);

    public static void Chdir(string path) => ThrowIfFailed(Libc.Chdir(path), "chdir", path);

    /// <summary>getcwd(3): glibc fails with ENOENT when the directory is not below the process's root.</summary>
    public static unsafe string Getcwd()
    {
        const int size = 4096 + 1;
        byte* buffer = stackalloc byte[size];
        if (Libc.Getcwd(buffer, size) == null)
            throw ErrnoException.FromLastError("getcwd");
        return System.Text.Encoding.UTF8.GetString(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(buffer));
    }

    public static void Fchdir(SafeFd fd) => ThrowIfFailed(Libc.Fchdir(fd), "fchdir");

    public static void Chroot(string path) => ThrowIfFailed(Libc.Chroot(path), "chroot", path);

    public const int F_OK = 0;
    public const int X_OK = 1;
    public const int W_OK = 2;
    public const int R_OK = 4;

    /// <summary>access(2) with the real uid and gid; false on any failure (it is a question, not an operation).</summary>
    public static bool Access(string path, int mode) => Libc.Access(path, mode) == 0;
}
