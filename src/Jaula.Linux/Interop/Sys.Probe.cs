using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>
/// Probes for kernel features: a syscall is called with arguments it must refuse, and only the errno matters.
/// ENOSYS means the kernel lacks the call; any other refusal (EINVAL, EFAULT, EBADF) means it has it.
/// </summary>
public static partial class Sys
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long ProbeSyscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    /// <summary>0 when the call succeeded, else its errno.</summary>
    public static int Probe(long number, nint a1 = 0, nint a2 = 0, nint a3 = 0, nint a4 = 0)
    {
        long result = ProbeSyscall(number, a1, a2, a3, a4, 0, 0);
        return result < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>A probe's result when it succeeded and returned a descriptor that must be closed.</summary>
    public static int ProbeReturningFd(long number, nint a1 = 0, nint a2 = 0, nint a3 = 0, nint a4 = 0)
    {
        long result = ProbeSyscall(number, a1, a2, a3, a4, 0, 0);
        if (result < 0)
            return Marshal.GetLastPInvokeError();
        ProbeClose((int)result);
        return 0;
    }

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int ProbeClose(int fd);

    /// <summary>x86_64 numbers of the calls `jaula check` probes.</summary>
    public static class ProbedSyscall
    {
        public const long Seccomp = 317;
        public const long PidfdOpen = 434;
        public const long Clone3 = 435;
        public const long CloseRange = 436;
        public const long Openat2 = 437;
        public const long MountSetattr = 442;
    }
}
