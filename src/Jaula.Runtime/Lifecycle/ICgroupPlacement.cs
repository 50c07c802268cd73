using Jaula.Cgroups;
using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The seam where the init gets its cgroup before it runs any container code: the cgroup is made before clone and
/// the init enters it by itself (<see cref="CgroupEntry"/>: clone3 CLONE_INTO_CGROUP for cgroup2, a write of "0" to
/// each v1 `tasks` file by the C stage's child); where that cannot be (the systemd driver, clone3 refusing), the
/// parent moves it in through cgroup.procs after clone and before GO.
/// <see cref="ContainerCgroups"/> is the real one; tests may pass another.
/// </summary>
public interface ICgroupPlacement
{
    /// <summary>
    /// Before clone: makes the cgroup and applies the resources where the init can enter it by itself, and returns
    /// how; null when the init is to be moved in after clone.
    /// </summary>
    CgroupEntry? PrepareForClone();

    /// <summary>Creates the cgroup (if not yet) and moves the process into it, where it did not enter by itself.</summary>
    void Place(int pid, CgroupBirth birth);

    /// <summary>Removes what <see cref="PrepareForClone"/> and <see cref="Place"/> created; safe when nothing was made.</summary>
    void Remove();

    /// <summary>What the state record keeps so later commands find the cgroup; null when there is none.</summary>
    CgroupRecord? Record { get; }
}
