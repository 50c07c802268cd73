using Jaula.Cgroups;
using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>What kill, delete and state do with an existing container's cgroup.</summary>
internal static class ContainerCgroupOps
{
    /// <summary>kill --all through the cgroup; false when the container was recorded without one.</summary>
    public static bool TryKillAll(Container container, int signal, IRuntimeLog log)
    {
        if (container.Record.Cgroup is null)
            return false;
        Run(() => ContainerCgroups.Of(container.Record, log).KillAll(signal));
        return true;
    }

    /// <summary>A v1-frozen process dies of SIGKILL only once thawed.</summary>
    public static void ThawIfFrozen(Container container, IRuntimeLog log)
    {
        if (container.Record.Cgroup is null)
            return;
        var manager = ContainerCgroups.Of(container.Record, log);
        if (manager.FreezerState() == FreezerState.Frozen)
            Run(manager.Thaw);
    }

    public static bool IsFrozen(ContainerRecord record)
    {
        if (record.Cgroup is null)
            return false;
        try
        {
            return CgroupManagers.FromRecord(record.Cgroup, _ => { }, record.Id).FreezerState() == FreezerState.Frozen;
        }
        catch (Exception e) when (e is IOException or CgroupException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Removes the container's cgroups. Processes the init left behind (a container sharing the host's pid namespace
    /// can have them) are killed first; a cgroup that still cannot be removed is an error, and the state stays.
    /// </summary>
    public static void Remove(Container container, IRuntimeLog log)
    {
        if (container.Record.Cgroup is null)
            return;
        var manager = ContainerCgroups.Of(container.Record, log);
        Run(() =>
        {
            if (manager.Pids().Count > 0)
                manager.KillAll(Signals.SIGKILL);
            manager.Destroy();
        });
    }

    public static void Run(Action action) => Run(() =>
    {
        action();
        return true;
    });

    /// <summary>A cgroup failure becomes the CLI's one-line error (its message names field, file and cause).</summary>
    public static T Run<T>(Func<T> read)
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
