namespace Jaula.Linux;

/// <summary>
/// Whether clone3 started a child inside the cgroup it was given (CLONE_INTO_CGROUP): not asked, born inside, or
/// refused with an errno, in which case the child was cloned without it and must be moved in through cgroup.procs.
/// </summary>
public readonly record struct CgroupBirth(bool Asked, int RefusedErrno)
{
    public static CgroupBirth NotAsked => new(false, 0);

    public bool Inside => Asked && RefusedErrno == 0;

    /// <summary>From the stage's report: -1 not asked, 0 born inside, otherwise the errno of the refusal.</summary>
    public static CgroupBirth FromStage(int report) => report < 0 ? NotAsked : new(true, report);
}
