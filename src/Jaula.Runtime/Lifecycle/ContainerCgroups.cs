using Jaula.Cgroups;
using Jaula.Cgroups.Resources;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The container's cgroups on this host: created at linux.cgroupsPath in every hierarchy, linux.resources applied
/// (device rules with runc's defaults), then the init added. Any failure removes what was made, so a refused value
/// leaves nothing half-applied.
/// Rootless (a unified host only; see <see cref="Rootless.SkippedCgroups"/> for v1), as runc's fs2 driver does it:
/// the cgroup is made where linux.cgroupsPath says, which works inside a subtree delegated to the user; where the
/// kernel refuses for lack of permission, what was made is removed and the container goes on without a cgroup, with
/// a notice. The device filter needs privilege (bpf), so its refusal is only logged.
/// </summary>
public sealed class ContainerCgroups(Spec spec, string containerId, IRuntimeLog log, bool rootless = false) : ICgroupPlacement
{
    private ICgroupManager? _manager;

    public CgroupRecord? Record => _manager?.ToRecord();

    public void Place(int pid)
    {
        try
        {
            var manager = CgroupManagers.ForContainer(CgroupLayout.DetectHost(), OwnCgroups.ReadSelf(), spec.Linux?.CgroupsPath,
                containerId, log.Warn);
            manager.Create();
            _manager = manager;
            ApplyResources(manager);
            manager.AddProcess(pid);
        }
        catch (CgroupException e) when (rootless && e.PermissionDenied)
        {
            Remove();
            log.Warn($"rootless: no write access to the cgroup ({e.Message}), so the container gets no cgroup of its own"
                + (spec.Linux?.Resources is null ? "" : " and linux.resources is not applied")
                + "; delegate a cgroup v2 subtree to this user and set linux.cgroupsPath inside it");
        }
        catch (CgroupException e)
        {
            throw new JaulaException(e.Message, e);
        }
    }

    private void ApplyResources(ICgroupManager manager)
    {
        var resources = ResourcesFor(spec);
        if (!rootless)
        {
            manager.Apply(resources);
            return;
        }
        var devices = resources.Devices;
        resources.Devices = null;
        manager.Apply(resources);
        try
        {
            manager.Apply(new LinuxResources { Devices = devices });
        }
        catch (CgroupException e)
        {
            // Loading a cgroup device program needs CAP_SYS_ADMIN (or CAP_BPF); runc ignores this rootless too. In a user
            // namespace devices are bind mounts of the host's nodes, whose permissions still hold.
            log.Debug($"rootless: no device filter for container {containerId}: {e.Message}");
        }
    }

    public void Remove()
    {
        try
        {
            _manager?.Destroy();
        }
        catch (CgroupException e)
        {
            log.Warn($"container {containerId}: {e.Message}");
        }
        _manager = null;
    }

    /// <summary>linux.resources with the device list runc would give the cgroup (config rules, linux.devices, defaults).</summary>
    public static LinuxResources ResourcesFor(Spec spec)
    {
        var r = spec.Linux?.Resources ?? new LinuxResources();
        return new LinuxResources
        {
            Devices = DeviceRules.ForContainer(spec),
            Memory = r.Memory,
            Cpu = r.Cpu,
            Pids = r.Pids,
            BlockIo = r.BlockIo,
            HugepageLimits = r.HugepageLimits,
            Network = r.Network,
            Rdma = r.Rdma,
            Unified = r.Unified,
        };
    }

    /// <summary>The manager of an existing container, or an error saying it has no cgroup.</summary>
    public static ICgroupManager Of(ContainerRecord record, IRuntimeLog log) =>
        record.Cgroup is { } cgroup
            ? CgroupManagers.FromRecord(cgroup, log.Warn)
            : throw new JaulaException("the container has no cgroup (it was created without one)");
}
