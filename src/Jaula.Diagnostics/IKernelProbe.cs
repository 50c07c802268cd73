using Jaula.Linux;

namespace Jaula.Diagnostics;

/// <summary>What the checks ask the running kernel directly (not through files), so tests can answer instead.</summary>
public interface IKernelProbe
{
    /// <summary>True unless the kernel answers ENOSYS.</summary>
    bool HasSyscall(string name);

    /// <summary>Whether seccomp(SECCOMP_SET_MODE_FILTER) accepts the flag bit.</summary>
    bool SeccompFlagSupported(uint flag);

    (ulong Soft, ulong Hard) Rlimit(int resource);

    int Uid { get; }

    /// <summary>Runs `criu check`: null when criu works on this kernel, else criu's own reason.</summary>
    string? CriuCheck(string criuPath);
}

/// <summary>The real kernel, asked with arguments every call must refuse.</summary>
public sealed class KernelProbe : IKernelProbe
{
    private const int SeccompSetModeFilter = 1;

    public bool HasSyscall(string name) => name switch
    {
        // pidfd_open(self): the only probe that succeeds, and its fd is closed at once.
        "pidfd_open" => Sys.ProbeReturningFd(Sys.ProbedSyscall.PidfdOpen, Environment.ProcessId) != Errno.ENOSYS,
        "clone3" => Sys.Probe(Sys.ProbedSyscall.Clone3, 0, 0) != Errno.ENOSYS, // NULL args, size 0: EINVAL
        "openat2" => Sys.Probe(Sys.ProbedSyscall.Openat2, -100, 0, 0, 0) != Errno.ENOSYS, // size 0: EINVAL
        "close_range" => Sys.Probe(Sys.ProbedSyscall.CloseRange, 2, 1, 0) != Errno.ENOSYS, // first > last: EINVAL
        "mount_setattr" => Sys.Probe(Sys.ProbedSyscall.MountSetattr, -1, 0, 0, 0) != Errno.ENOSYS, // size 0: EINVAL
        "seccomp" => Sys.Probe(Sys.ProbedSyscall.Seccomp, SeccompSetModeFilter, 0, 0) != Errno.ENOSYS, // NULL: EFAULT
        _ => throw new ArgumentException($"no probe for {name}", nameof(name)),
    };

    // The kernel rejects unknown flags with EINVAL before it reads the (NULL) program, which then fails with EFAULT.
    public bool SeccompFlagSupported(uint flag) =>
        Sys.Probe(Sys.ProbedSyscall.Seccomp, SeccompSetModeFilter, (nint)flag, 0) == Errno.EFAULT;

    public (ulong Soft, ulong Hard) Rlimit(int resource) => Sys.GetRlimit(resource);

    public int Uid => (int)Sys.GetUid();

    public string? CriuCheck(string criuPath)
    {
        string log = Path.Combine(Path.GetTempPath(), $"jaula-criu-check-{Environment.ProcessId}.log");
        try
        {
            using var devNull = Sys.Open("/dev/null", OpenFlags.ReadWrite | OpenFlags.CloExec);
            int pid = Sys.Spawn(new SpawnRequest
            {
                Path = criuPath,
                Argv = ["criu", "check", "--log-file", log, "-v2"],
                Env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
                Stdin = devNull,
                Stdout = devNull,
                Stderr = devNull,
            });
            return Sys.WaitForExit(pid) == 0 ? null : Sandbox.Checkpoint.CriuLog.Reason(log);
        }
        catch (ErrnoException e)
        {
            return $"criu could not be run: {e.Message}";
        }
        finally
        {
            File.Delete(log);
        }
    }
}
