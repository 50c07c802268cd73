using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>struct pollfd.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PollFd(int fd, short events)
{
    public const short In = 0x001;
    public const short Err = 0x008;
    public const short Hup = 0x010;

    public int Fd = fd;
    public short Events = events;
    public short Revents;
}

public static partial class Sys
{
    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int PollNative(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadForPoll(int fd, byte* buffer, nuint count);

    /// <summary>poll(2), retrying EINTR; returns how many fds have events.</summary>
    public static unsafe int Poll(Span<PollFd> fds, int timeoutMs)
    {
        fixed (PollFd* p = fds)
        {
            while (true)
            {
                int n = PollNative(p, (nuint)fds.Length, timeoutMs);
                if (n >= 0)
                    return n;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                    throw new ErrnoException("poll", null, errno);
            }
        }
    }

    /// <summary>read(2) on a non-blocking fd: the byte count, 0 at end of file, -1 when it would block.</summary>
    public static unsafe int ReadNonBlocking(SafeFd fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                nint n = ReadForPoll(fd.Value, p, (nuint)buffer.Length);
                if (n >= 0)
                    return (int)n;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EAGAIN)
                    return -1;
                if (errno != Errno.EINTR)
                    throw new ErrnoException("read", null, errno);
            }
        }
    }
}
