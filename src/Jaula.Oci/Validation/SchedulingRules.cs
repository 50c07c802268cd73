namespace Jaula.Oci;

/// <summary>The Linux process knobs: oomScoreAdj, scheduler, ioPriority, execCPUAffinity (config.md "Linux Process").</summary>
internal static class SchedulingRules
{
    private const int MinOomScoreAdj = -1000;
    private const int MaxOomScoreAdj = 1000;
    private const int MinNice = -20;
    private const int MaxNice = 19;
    private const int MaxIoPriority = 7;

    public static void Check(ProcessSpec process, Problems problems)
    {
        if (process.OomScoreAdj is < MinOomScoreAdj or > MaxOomScoreAdj)
        {
            problems.Add("process.oomScoreAdj", $"must be between -1000 and 1000 (see oom_score_adj in proc(5)), found {process.OomScoreAdj}");
        }
        CheckScheduler(process.Scheduler, problems);
        CheckIoPriority(process.IoPriority, problems);
        CheckCpuList(process.ExecCpuAffinity?.Initial, "process.execCPUAffinity.initial", problems);
        CheckCpuList(process.ExecCpuAffinity?.Final, "process.execCPUAffinity.final", problems);
    }

    private static void CheckScheduler(SchedulerSpec? scheduler, Problems problems)
    {
        if (scheduler is null)
        {
            return;
        }
        if (!KnownNames.SchedulerPolicies.Contains(scheduler.Policy))
        {
            problems.Add("process.scheduler.policy", $"unknown policy \"{scheduler.Policy}\": use {KnownNames.OneOf(KnownNames.SchedulerPolicies)}");
        }
        if (scheduler.Nice is < MinNice or > MaxNice)
        {
            problems.Add("process.scheduler.nice", $"must be between -20 and 19, found {scheduler.Nice}");
        }
        Items.RequireKnown(scheduler.Flags, "process.scheduler.flags", KnownNames.SchedulerFlags, "flag", problems);
    }

    private static void CheckIoPriority(IoPrioritySpec? ioPriority, Problems problems)
    {
        if (ioPriority is null)
        {
            return;
        }
        if (!KnownNames.IoPriorityClasses.Contains(ioPriority.Class))
        {
            problems.Add("process.ioPriority.class", $"unknown class \"{ioPriority.Class}\": use {KnownNames.OneOf(KnownNames.IoPriorityClasses)}");
        }
        if (ioPriority.Priority is < 0 or > MaxIoPriority)
        {
            problems.Add("process.ioPriority.priority", $"must be between 0 (highest) and 7 (lowest), found {ioPriority.Priority}");
        }
    }

    private static void CheckCpuList(string? cpus, string field, Problems problems)
    {
        if (cpus is not null && cpus.AsSpan().ContainsAnyExcept("0123456789, -"))
        {
            problems.Add(field, $"must be a CPU list of numbers, commas and dash ranges such as \"0-3,7\", found \"{cpus}\"");
        }
    }
}
