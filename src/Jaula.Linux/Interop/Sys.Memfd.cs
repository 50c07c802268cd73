using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>memfd_create and file seals: anonymous files that can be made immutable.</summary>
public static partial class Sys
{
    public const uint MFD_CLOEXEC = 0x1;
    public const uint MFD_ALLOW_SEALING = 0x2;
    public const uint MFD_EXEC = 0x10;

    public const int F_SEAL_SEAL = 0x1;
    public const int F_SEAL_SHRINK = 0x2;
    public const int F_SEAL_GROW = 0x4;
    public const int F_SEAL_WRITE = 0x8;

    private const int F_ADD_SEALS = 1033;

    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "sendfile", SetLastError = true)]
        internal static partial nint Sendfile(SafeFd output, SafeFd input, nint offset, nuint count);

        [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int MemfdCreate(string name, uint flags);
    }

    /// <summary>
    /// memfd_create(2). Kernels before 6.3 refuse MFD_EXEC (EINVAL): it is retried without, which means the same there.
    /// </summary>
    public static SafeFd MemfdCreate(string name, uint flags)
    {
        int fd = Libc.MemfdCreate(name, flags);
        if (fd < 0 && (flags & MFD_EXEC) != 0 && Marshal.GetLastPInvokeError() == Errno.EINVAL)
            fd = Libc.MemfdCreate(name, flags & ~MFD_EXEC);
        ThrowIfFailed(fd, "memfd_create", name);
        return SafeFd.Own(fd);
    }

    /// <summary>Copies all of <paramref name="input"/> (from its offset) to <paramref name="output"/> inside the kernel (sendfile(2)).</summary>
    public static void CopyAll(SafeFd input, SafeFd output)
    {
        while (true)
        {
            nint n = Libc.Sendfile(output, input, 0, 1 << 30);
            if (n == 0)
                return;
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == Errno.EINTR)
                    continue;
                throw ErrnoException.FromLastError("sendfile");
            }
        }
    }

    public static void AddSeals(SafeFd fd, int seals)
    {
        using var borrowed = new BorrowedFd(fd);
        ThrowIfFailed(Libc.Fcntl((int)borrowed.Value, F_ADD_SEALS, seals), "fcntl(F_ADD_SEALS)");
    }

}
