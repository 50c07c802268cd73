using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>
/// Probes for kernel features: a syscall is called with arguments it must refuse, and only the errno matters.
/// ENOSYS means the kernel lacks the call; any other refusal (EINVAL, EFAULT, EBADF) means it has it.
/// </summary>
public static partial class Sys
{
    /// <summary>0 when the call succeeded, else its errno.</summary>
    public static int Probe(long number, nint a1 = 0, nint a2 = 0, nint a3 = 0, nint a4 = 0)
    {
        long result = Syscall(number, a1, a2, a3, a4, 0, 0);
        return result < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>A probe's result when it succeeded and returned a descriptor that must be closed.</summary>
    public static int ProbeReturningFd(long number, nint a1 = 0, nint a2 = 0, nint a3 = 0, nint a4 = 0)
    {
        long result = Syscall(number, a1, a2, a3, a4, 0, 0);
        if (result < 0)
            return Marshal.GetLastPInvokeError();
        CloseFd((int)result);
        return 0;
    }

    /// <summary>x86_64 numbers of the calls `jaula check` probes.</summary>
    public static class ProbedSyscall
    {
        public const long Seccomp = 317;
        public const long PidfdOpen = SyscallNumber.PidfdOpen;
        public const long Clone3 = 435;
        public const long CloseRange = SyscallNumber.CloseRange;
        public const long Openat2 = SyscallNumber.Openat2;
        public const long MountSetattr = SyscallNumber.MountSetattr;
    }
}
