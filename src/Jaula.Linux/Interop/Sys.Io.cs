using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>Reading, writing, locking and closing descriptors.</summary>
public static partial class Sys
{
    public const int LOCK_SH = 1;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    /// <summary>close_range(2): mark the range close-on-exec instead of closing it.</summary>
    public const uint CLOSE_RANGE_CLOEXEC = 4;

    private const int F_GETFD = 1;
    private const int F_SETFD = 2;
    private const int FD_CLOEXEC = 1;

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
        internal static unsafe partial nint Read(SafeFd fd, byte* buffer, nuint count);

        [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
        internal static unsafe partial nint Write(SafeFd fd, byte* buffer, nuint count);

        [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
        internal static partial int Flock(SafeFd fd, int operation);

        [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
        internal static partial int Fcntl(int fd, int command, int argument);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        internal static partial int Close(int fd);
    }

    /// <summary>read(2), retrying EINTR: the byte count, 0 at end of file.</summary>
    public static unsafe int Read(SafeFd fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = Libc.Read(fd, p, (nuint)buffer.Length);
                if (n >= 0)
                    return (int)n;
                if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                    throw ErrnoException.FromLastError("read");
            }
        }
    }

    /// <summary>write(2), retrying EINTR: the byte count, which may be short.</summary>
    public static unsafe int Write(SafeFd fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = Libc.Write(fd, p, (nuint)buffer.Length);
                if (n >= 0)
                    return (int)n;
                if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                    throw ErrnoException.FromLastError("write");
            }
        }
    }

    /// <summary>Writes until every byte is out (pipes and sockets may take less per call).</summary>
    /// <summary>
    /// Writes a small text file in one write(2), as /proc and /sys files want (a uid_map is taken only whole);
    /// failures carry the errno text and the path.
    /// </summary>
    public static void WriteFile(string path, string text)
    {
        using var fd = Open(path, OpenFlags.WriteOnly | OpenFlags.CloExec);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        int written = Write(fd, bytes);
        if (written != bytes.Length)
            throw new ErrnoException("write", path, Errno.EIO);
    }

    public static void WriteAll(SafeFd fd, ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
            buffer = buffer[Write(fd, buffer)..];
    }

    /// <summary>flock(2) with LOCK_* operations; retries EINTR (a blocking lock wait is interruptible).</summary>
    public static void Flock(SafeFd fd, int operation)
    {
        while (Libc.Flock(fd, operation) != 0)
        {
            if (Marshal.GetLastPInvokeError() != Errno.EINTR)
                throw ErrnoException.FromLastError("flock");
        }
    }

    /// <summary>close_range(2) over [first, last]; with CLOSE_RANGE_CLOEXEC the fds stay open until execve.</summary>
    public static void CloseRange(uint first, uint last, uint flags) =>
        ThrowIfFailed(Syscall(SyscallNumber.CloseRange, (nint)first, (nint)last, (nint)flags), "close_range");

    /// <summary>Sets or clears FD_CLOEXEC on a descriptor this process does not wrap in a <see cref="SafeFd"/>.</summary>
    public static void SetCloexec(int fd, bool on)
    {
        int flags = Libc.Fcntl(fd, F_GETFD, 0);
        ThrowIfFailed(flags, "fcntl", $"fd {fd}");
        int wanted = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        if (wanted != flags)
            ThrowIfFailed(Libc.Fcntl(fd, F_SETFD, wanted), "fcntl", $"fd {fd}");
    }

    internal static int CloseFd(int fd) => Libc.Close(fd);
}
