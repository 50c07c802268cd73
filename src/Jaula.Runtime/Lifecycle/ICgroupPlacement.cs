using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The seam where the parent puts the init into its cgroup, after clone and before the init runs any container code.
/// The cgroups issue supplies the real managers; until then <see cref="NoCgroups"/> refuses configs that ask for limits.
/// </summary>
public interface ICgroupPlacement
{
    /// <summary>Creates the cgroup (if any) and moves the process into it.</summary>
    void Place(int pid);

    /// <summary>Removes what <see cref="Place"/> created; safe to call when nothing was placed.</summary>
    void Remove();
}

/// <summary>No cgroup support yet: the init stays in the caller's cgroup.</summary>
public sealed class NoCgroups : ICgroupPlacement
{
    /// <summary>Resource limits that would silently not apply are refused instead.</summary>
    public static void RejectResources(Spec spec)
    {
        var r = spec.Linux?.Resources;
        if (r is null)
            return;
        bool onlyDeviceRules = r.Memory is null && r.Cpu is null && r.Pids is null && r.BlockIo is null
            && (r.HugepageLimits is null || r.HugepageLimits.Count == 0) && r.Network is null
            && (r.Rdma is null || r.Rdma.Count == 0) && (r.Unified is null || r.Unified.Count == 0);
        if (!onlyDeviceRules)
            throw JaulaException.ForField("linux.resources", "cgroup resource limits are not supported yet by this jaula build");
    }

    public void Place(int pid) { }

    public void Remove() { }
}
