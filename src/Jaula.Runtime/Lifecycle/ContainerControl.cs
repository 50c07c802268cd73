using Jaula.Cgroups;
using Jaula.Cgroups.Resources;
using Jaula.Cgroups.Stats;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>pause, resume, update, events and ps: what a container's cgroup lets jaula do to it while it runs.</summary>
public sealed class ContainerControl(StateStore store, IRuntimeLog log)
{
    public void Pause(string id)
    {
        using var _ = store.Lock(id);
        var (container, manager) = Live(id);
        var status = container.Status; // computed from the live process and the freezer: read once
        if (status is not (ContainerStatus.Running or ContainerStatus.Created))
            throw new JaulaException($"cannot pause a container that is {status.ToText()}");
        ContainerCgroupOps.Run(manager.Freeze);
        log.Debug($"container {id} paused");
    }

    public void Resume(string id)
    {
        using var _ = store.Lock(id);
        var (container, manager) = Live(id);
        if (container.Status != ContainerStatus.Paused)
            throw new JaulaException("container not paused");
        ContainerCgroupOps.Run(manager.Thaw);
        log.Debug($"container {id} resumed");
    }

    /// <summary>
    /// Applies every field but the device rules, which are left as create set them, as runc 1.1.5 does: an update only
    /// logs (debug) whether the rules it was given equal the container's. Why not apply them: on v1 a new list can
    /// only be written as deny-all then the allows, so the running container would briefly lose every device (runc 1.1
    /// needs an emulator of the kernel's list to avoid that), and on v2 the new eBPF program must replace the old one
    /// atomically (BPF_F_REPLACE) or the union of both filters holds; the kubelet's updates never change devices.
    /// </summary>
    public void Update(string id, LinuxResources resources)
    {
        var (container, manager) = Live(id);
        if (resources.Devices is { Count: > 0 } devices)
            log.Debug(DeviceRuleComparison.Same(devices, container.Record.DeviceRules)
                ? $"container {id}: linux.resources.devices unchanged ({devices.Count} rules)"
                : $"container {id}: linux.resources.devices differ from the container's; ignored (update does not change device rules, as runc 1.1.5)");
        var rest = resources.WithDevices(null);
        ContainerCgroupOps.Run(() => manager.Apply(rest, update: true));
    }

    public CgroupStats Stats(string id) => ContainerCgroupOps.Run(Live(id).Manager.Stats);

    public IReadOnlyList<int> Pids(string id) => ContainerCgroupOps.Run(Live(id).Manager.Pids);

    /// <summary>The manager of a container that is not stopped; "container not running" otherwise, as runc says.</summary>
    public (Container Container, ICgroupManager Manager) Live(string id)
    {
        var container = Container.Load(store, id);
        if (container.Status is ContainerStatus.Stopped)
            throw new JaulaException("container not running");
        return (container, ContainerCgroups.Of(container.Record, log));
    }

}
