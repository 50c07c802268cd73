using Jaula.Cgroups;
using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The seam where the init gets its cgroup before it runs any container code: on a pure cgroup v2 host the cgroup
/// is made before clone and clone3 starts the init inside it (CLONE_INTO_CGROUP); otherwise, or where clone3
/// refuses, the parent moves it in through cgroup.procs after clone and before GO.
/// <see cref="ContainerCgroups"/> is the real one; tests may pass another.
/// </summary>
public interface ICgroupPlacement
{
    /// <summary>
    /// Before clone: makes the cgroup and applies the resources where the init can be born in it, and returns an fd
    /// of its directory for clone3; null when the init is to be moved in after clone.
    /// </summary>
    SafeFd? PrepareForClone();

    /// <summary>Creates the cgroup (if not yet) and moves the process into it, unless clone3 already started it there.</summary>
    void Place(int pid, CgroupBirth birth);

    /// <summary>Removes what <see cref="PrepareForClone"/> and <see cref="Place"/> created; safe when nothing was made.</summary>
    void Remove();

    /// <summary>What the state record keeps so later commands find the cgroup; null when there is none.</summary>
    CgroupRecord? Record { get; }
}
