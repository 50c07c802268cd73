using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>bpf(2): loading a program and attaching it to a cgroup (the cgroup v2 device controller is an eBPF program).</summary>
public static partial class Sys
{
    private const long BpfSyscall = 321;
    private const int BPF_PROG_LOAD = 5;
    private const int BPF_PROG_ATTACH = 8;

    public const int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    public const int BPF_CGROUP_DEVICE = 6;
    public const uint BPF_F_ALLOW_MULTI = 2;

    /// <summary>Large enough for every field jaula sets; the kernel wants the bytes it does not know to be zero.</summary>
    private const int BpfAttrSize = 128;

    /// <summary>Loads a program of <paramref name="instructions"/> (struct bpf_insn, 8 bytes each); on failure the verifier's log is in the message.</summary>
    public static unsafe SafeFd BpfProgLoad(int programType, ReadOnlySpan<ulong> instructions, string license)
    {
        byte[] licenseBytes = CString(license);
        byte[] log = new byte[64 * 1024];
        byte* attr = stackalloc byte[BpfAttrSize];
        fixed (ulong* insns = instructions)
        fixed (byte* lic = licenseBytes)
        fixed (byte* logBuffer = log)
        {
            for (int logLevel = 0; logLevel <= 1; logLevel++)
            {
                new Span<byte>(attr, BpfAttrSize).Clear();
                *(uint*)(attr + 0) = (uint)programType;
                *(uint*)(attr + 4) = (uint)instructions.Length;
                *(ulong*)(attr + 8) = (ulong)insns;
                *(ulong*)(attr + 16) = (ulong)lic;
                if (logLevel > 0)
                {
                    *(uint*)(attr + 24) = 1;
                    *(uint*)(attr + 28) = (uint)log.Length;
                    *(ulong*)(attr + 32) = (ulong)logBuffer;
                }
                long fd = Syscall(BpfSyscall, BPF_PROG_LOAD, (nint)attr, BpfAttrSize);
                if (fd >= 0)
                    return SafeFd.Own((int)fd);
                int errno = Marshal.GetLastPInvokeError();
                if (logLevel > 0 || errno is Errno.EPERM or Errno.ENOSYS)
                {
                    string verifier = System.Text.Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
                    throw new ErrnoException("bpf(BPF_PROG_LOAD)", verifier.Length == 0 ? null : $"(verifier: {verifier})", errno);
                }
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>BPF_PROG_ATTACH of <paramref name="program"/> to the cgroup directory <paramref name="target"/>.</summary>
    public static unsafe void BpfProgAttach(SafeFd target, SafeFd program, int attachType, uint flags)
    {
        byte* attr = stackalloc byte[BpfAttrSize];
        new Span<byte>(attr, BpfAttrSize).Clear();
        using var targetFd = new BorrowedFd(target);
        using var programFd = new BorrowedFd(program);
        *(uint*)(attr + 0) = (uint)targetFd.Value;
        *(uint*)(attr + 4) = (uint)programFd.Value;
        *(uint*)(attr + 8) = (uint)attachType;
        *(uint*)(attr + 12) = flags;
        ThrowIfFailed(Syscall(BpfSyscall, BPF_PROG_ATTACH, (nint)attr, BpfAttrSize), "bpf(BPF_PROG_ATTACH)");
    }
}
