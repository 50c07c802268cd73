using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>eventfd(2): a counter the kernel bumps (cgroup v1 memory notifications use it).</summary>
public static partial class Sys
{
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
        internal static partial int Eventfd(uint initialValue, int flags);
    }

    public static SafeFd Eventfd(uint initialValue, int flags)
    {
        int fd = Libc.Eventfd(initialValue, flags);
        return fd >= 0 ? SafeFd.Own(fd) : throw ErrnoException.FromLastError("eventfd");
    }

    /// <summary>Reads and resets a non-blocking eventfd's counter; 0 when nothing was signalled.</summary>
    public static ulong TakeEventfdCount(SafeFd eventfd)
    {
        Span<byte> buffer = stackalloc byte[8];
        try
        {
            return Read(eventfd, buffer) == 8 ? BitConverter.ToUInt64(buffer) : 0;
        }
        catch (ErrnoException e) when (e.Errno == Errno.EAGAIN)
        {
            return 0;
        }
    }
}
