using Jaula.Linux;

namespace Jaula.Cgroups;

internal static class CgroupSignals
{
    /// <summary>
    /// Every pid signalled with the cgroup frozen (where it can be), so nothing forks past the scan; thawed again
    /// if it was running, and always after SIGKILL (a frozen task dies only once thawed).
    /// </summary>
    public static void SignalUnderFreeze(ICgroupManager cgroup, int signal)
    {
        var before = cgroup.FreezerState();
        bool canFreeze = before != FreezerState.Undefined;
        if (canFreeze)
            cgroup.Freeze();
        SignalEach(cgroup.Pids(), signal);
        if (canFreeze && (before == FreezerState.Thawed || signal == Signals.SIGKILL))
            cgroup.Thaw();
    }

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
