namespace Jaula.Cgroups;

/// <summary>How the host mounts its cgroups.</summary>
public enum CgroupMode
{
    /// <summary>Only v1 hierarchies, one per controller (or co-mounted group).</summary>
    Legacy,

    /// <summary>v1 hierarchies for the controllers plus a cgroup2 mount (usually /sys/fs/cgroup/unified) for the rest.</summary>
    Hybrid,

    /// <summary>One cgroup2 hierarchy for everything.</summary>
    Unified,
}
