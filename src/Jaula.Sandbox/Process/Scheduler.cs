using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Sandbox.Process;

/// <summary>process.scheduler: sched_setattr(2) on the thread that execs the process, so the process inherits it.</summary>
public static class Scheduler
{
    /// <summary>SCHED_* values (include/uapi/linux/sched.h); SCHED_ISO is reserved there and not implemented.</summary>
    public static readonly IReadOnlyDictionary<string, uint> Policies = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["SCHED_OTHER"] = 0, ["SCHED_FIFO"] = 1, ["SCHED_RR"] = 2, ["SCHED_BATCH"] = 3, ["SCHED_ISO"] = 4,
        ["SCHED_IDLE"] = 5, ["SCHED_DEADLINE"] = 6,
    };

    public static readonly IReadOnlyDictionary<string, ulong> Flags = new Dictionary<string, ulong>(StringComparer.Ordinal)
    {
        ["SCHED_FLAG_RESET_ON_FORK"] = 0x01, ["SCHED_FLAG_RECLAIM"] = 0x02, ["SCHED_FLAG_DL_OVERRUN"] = 0x04,
        ["SCHED_FLAG_KEEP_POLICY"] = 0x08, ["SCHED_FLAG_KEEP_PARAMS"] = 0x10, ["SCHED_FLAG_UTIL_CLAMP_MIN"] = 0x20,
        ["SCHED_FLAG_UTIL_CLAMP_MAX"] = 0x40,
    };

    private const string Field = "process.scheduler";

    public static void Apply(SchedulerSpec? scheduler)
    {
        if (scheduler is null)
            return;
        if (!Policies.TryGetValue(scheduler.Policy, out uint policy))
            throw new ContainerSetupException($"{Field}.policy", $"unknown policy \"{scheduler.Policy}\"");
        if (scheduler.Policy == "SCHED_ISO")
            throw new ContainerSetupException($"{Field}.policy", "SCHED_ISO is not implemented by the Linux kernel");
        ulong flags = 0;
        foreach (string name in scheduler.Flags ?? [])
        {
            if (!Flags.TryGetValue(name, out ulong flag))
                throw new ContainerSetupException($"{Field}.flags", $"unknown flag \"{name}\"");
            if (name.StartsWith("SCHED_FLAG_UTIL_CLAMP", StringComparison.Ordinal))
                throw new ContainerSetupException($"{Field}.flags", $"{name} needs utilization values, which the runtime spec has no field for");
            flags |= flag;
        }
        var attr = new Sys.SchedAttr
        {
            Policy = policy,
            Flags = flags,
            Nice = scheduler.Nice ?? 0,
            Priority = (uint)(scheduler.Priority ?? 0),
            Runtime = scheduler.Runtime ?? 0,
            Deadline = scheduler.Deadline ?? 0,
            Period = scheduler.Period ?? 0,
        };
        try
        {
            Sys.SchedSetattr(attr);
        }
        catch (ErrnoException e)
        {
            string hint = e.Errno == Errno.EPERM ? " (real-time policies and negative nice values need CAP_SYS_NICE in the host's user namespace; real-time ones also need"
                + " real-time bandwidth in the container's cpu cgroup on cgroup v1: set linux.resources.cpu.realtimeRuntime)"
                : e.Errno == Errno.EINVAL ? " (check the priority for the policy: 1-99 for SCHED_FIFO/SCHED_RR, 0 otherwise; SCHED_DEADLINE needs runtime <= deadline <= period)"
                : "";
            throw new ContainerSetupException(Field, e.Message + hint, e);
        }
    }
}
