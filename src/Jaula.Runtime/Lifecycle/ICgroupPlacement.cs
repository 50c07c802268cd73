using Jaula.Cgroups;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The seam where the parent puts the init into its cgroup, after clone and before the init runs any container code.
/// <see cref="ContainerCgroups"/> is the real one; tests may pass another.
/// </summary>
public interface ICgroupPlacement
{
    /// <summary>Creates the cgroup (if any) and moves the process into it.</summary>
    void Place(int pid);

    /// <summary>Removes what <see cref="Place"/> created; safe to call when nothing was placed.</summary>
    void Remove();

    /// <summary>What the state record keeps so later commands find the cgroup; null when there is none.</summary>
    CgroupRecord? Record { get; }
}

