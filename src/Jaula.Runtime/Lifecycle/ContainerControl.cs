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
        if (container.Status is not (ContainerStatus.Running or ContainerStatus.Created))
            throw new JaulaException($"cannot pause a container that is {container.Status.ToText()}");
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

    public CgroupStats Stats(string id) => Run(Live(id).Manager.Stats);

    public IReadOnlyList<int> Pids(string id) => Run(Live(id).Manager.Pids);

    /// <summary>The manager of a container that is not stopped; "container not running" otherwise, as runc says.</summary>
    public (Container Container, ICgroupManager Manager) Live(string id)
    {
        var container = Container.Load(store, id);
        if (container.Status is ContainerStatus.Stopped)
            throw new JaulaException("container not running");
        return (container, ContainerCgroups.Of(container.Record, log));
    }

    /// <summary>The manager of a loaded container whatever its status (events keeps reading until it is gone).</summary>
    public (Container Container, ICgroupManager Manager) Any(string id)
    {
        var container = Container.Load(store, id);
        return (container, ContainerCgroups.Of(container.Record, log));
    }

    private static T Run<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (CgroupException e)
        {
            throw new JaulaException(e.Message, e);
        }
    }
}
