using System.Runtime.InteropServices;
using System.Text;

namespace Jaula.Linux;

/// <summary>
/// libc's syscall(2), for the calls glibc 2.36 has no wrapper for. It is variadic in C; every argument here is an
/// integer or pointer, which x86_64 passes in the same registers either way, and glibc's implementation never looks
/// at the vector-register count a variadic call would set.
/// </summary>
public static partial class Sys
{
    /// <summary>x86_64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl).</summary>
    private static class SyscallNumber
    {
        public const long Capget = 125;
        public const long Capset = 126;
        public const long PivotRoot = 155;
        public const long Keyctl = 250;
        public const long PidfdSendSignal = 424;
        public const long OpenTree = 428;
        public const long MoveMount = 429;
        public const long Fsopen = 430;
        public const long Fsconfig = 431;
        public const long Fsmount = 432;
        public const long PidfdOpen = 434;
        public const long CloseRange = 436;
        public const long Openat2 = 437;
        public const long PidfdGetfd = 438;
        public const long MountSetattr = 442;
    }

    /// <summary>AT_FDCWD: a *at() call with this directory resolves relative paths from the working directory.</summary>
    public const int AT_FDCWD = -100;

    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_EMPTY_PATH = 0x1000;
    public const int AT_RECURSIVE = 0x8000;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    private static long Syscall(long number, nint a1 = 0, nint a2 = 0, nint a3 = 0, nint a4 = 0, nint a5 = 0) =>
        Syscall(number, a1, a2, a3, a4, a5, 0);

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/>, for raw syscalls that take a char*.</summary>
    private static byte[] CString(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private static void ThrowIfFailed(long result, string call, string? path = null)
    {
        if (result < 0)
            throw ErrnoException.FromLastError(call, path);
    }

    /// <summary>Holds a reference on a <see cref="SafeFd"/> while its number is passed to a raw syscall.</summary>
    private ref struct BorrowedFd
    {
        private readonly SafeFd _fd;
        private bool _added;

        public BorrowedFd(SafeFd fd)
        {
            _fd = fd;
            _added = false;
            fd.DangerousAddRef(ref _added);
        }

        public readonly nint Value => _fd.DangerousGetHandle();

        public void Dispose()
        {
            if (_added)
                _fd.DangerousRelease();
            _added = false;
        }
    }
}
