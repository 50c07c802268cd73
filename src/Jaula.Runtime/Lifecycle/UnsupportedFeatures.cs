using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// Config this build cannot honour yet is refused with a clear error rather than silently ignored: a container that
/// runs without the seccomp filter or the limits it asked for is worse than one that does not start.
/// </summary>
public static class UnsupportedFeatures
{
    public static void Reject(Spec spec, CreateOptions options, IRuntimeLog log)
    {
        TerminalRules.Check(spec, options);
        SecurityLabelCheck.Run(spec);
        RejectZeroPidsLimit(spec);
    }

    /// <summary>
    /// pids.limit 0 is valid to the kernel and the spec, but the limit is set before the init runs, and the init (a
    /// .NET program) needs threads: it could never start the process. Said plainly instead of a lost sync socket.
    /// </summary>
    private static void RejectZeroPidsLimit(Spec spec)
    {
        if (spec.Linux?.Resources?.Pids?.Limit == 0)
            throw JaulaException.ForField("linux.resources.pids.limit",
                "0 lets no task start in the container's cgroup, not even the threads of jaula's init, so the process could never run: give room for the init's threads and the process (e.g. 32), or -1 for no limit");
    }
}
