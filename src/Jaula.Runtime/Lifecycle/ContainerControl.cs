using Jaula.Cgroups;
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

    public void Update(string id, LinuxResources resources)
    {
        var (_, manager) = Live(id);
        if (resources.Devices is { Count: > 0 })
            throw JaulaException.ForField("linux.resources.devices", "update does not change device rules (runc neither)");
        ContainerCgroupOps.Run(() => manager.Apply(resources, update: true));
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
