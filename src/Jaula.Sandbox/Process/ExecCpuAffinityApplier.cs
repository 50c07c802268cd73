using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Process;

/// <summary>
/// process.execCPUAffinity, for `exec` only (config.md: it does not apply to the init). `initial` is the exec'd
/// process's affinity before it enters the container's cgroup (set by the parent on the child), `final` after it
/// (set by the process on the thread that execs). Without `final`, the kernel's choice on entering the cgroup stands.
/// </summary>
public static class ExecCpuAffinityApplier
{
    private const string Field = "process.execCPUAffinity";

    public static void ApplyInitial(int pid, ExecCpuAffinity? affinity)
    {
        if (!string.IsNullOrEmpty(affinity?.Initial))
            Set(() => Sys.SchedSetAffinity(pid, IdList.ToMask(affinity.Initial, Field + ".initial")), Field + ".initial");
    }

    public static void ApplyFinal(ExecCpuAffinity? affinity)
    {
        if (!string.IsNullOrEmpty(affinity?.Final))
            Set(() => Sys.SchedSetAffinity(IdList.ToMask(affinity.Final, Field + ".final")), Field + ".final");
    }

    private static void Set(Action action, string field)
    {
        try
        {
            action();
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException(field, $"{e.Message} (no allowed CPU in the list?)", e);
        }
    }
}
