using Jaula.Cgroups;
using Jaula.Cgroups.Resources;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// The container's cgroups on this host: created at linux.cgroupsPath in every hierarchy, linux.resources applied
/// (device rules with runc's defaults), then the init added. Any failure removes what was made, so a refused value
/// leaves nothing half-applied.
/// </summary>
public sealed class ContainerCgroups(Spec spec, string containerId, IRuntimeLog log, bool systemd = false) : ICgroupPlacement
{
    private ICgroupManager? _manager;

    public CgroupRecord? Record => _manager?.ToRecord();

    public void Place(int pid)
    {
        try
        {
            var manager = CgroupManagers.ForContainer(CgroupLayout.DetectHost(), OwnCgroups.ReadSelf(), spec.Linux?.CgroupsPath,
                containerId, log.Warn, systemd);
            manager.Create();
            _manager = manager;
            manager.Apply(ResourcesFor(spec));
            manager.AddProcess(pid);
        }
        catch (CgroupException e)
        {
            throw new JaulaException(e.Message, e);
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

    /// <summary>
    /// Refuses --systemd-cgroup before anything is made when this host cannot have it (not unified) or cgroupsPath is
    /// not of the driver's "slice:prefix:name" form.
    /// </summary>
    public static void CheckSystemd(Spec spec, string containerId)
    {
        try
        {
            CgroupManagers.ForSystemd(CgroupLayout.DetectHost(), spec.Linux?.CgroupsPath, containerId, _ => { });
        }
        catch (CgroupException e)
        {
            throw new JaulaException(e.Message, e);
        }
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
            ? CgroupManagers.FromRecord(cgroup, log.Warn, record.Id)
            : throw new JaulaException("the container has no cgroup (it was created without one)");
}
