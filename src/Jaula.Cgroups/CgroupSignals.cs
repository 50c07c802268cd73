using Jaula.Linux;

namespace Jaula.Cgroups;

internal static class CgroupSignals
{
    /// <summary>Signals each pid, ignoring those that have exited meanwhile.</summary>
    public static void SignalEach(IEnumerable<int> pids, int signal)
    {
        foreach (int pid in pids)
        {
            int errno = Sys.TryKill(pid, signal);
            if (errno is not (0 or Errno.ESRCH))
                throw new CgroupException($"kill pid {pid} with {Signals.Name(signal)}: {new ErrnoException("kill", null, errno).Message}");
        }
    }
}
