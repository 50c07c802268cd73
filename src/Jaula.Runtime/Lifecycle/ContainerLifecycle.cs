using Jaula.Cgroups;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Hooks;

namespace Jaula.Runtime.Lifecycle;

/// <summary>start, kill, delete, state and list, with runtime.md's rules for each status.</summary>
public sealed class ContainerLifecycle(StateStore store, IRuntimeLog log)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Releases the init (which runs the startContainer hooks first), then runs the poststart hooks. A failing hook
    /// fails `start` and, as runtime.md asks, the container is stopped and deleted (its poststop hooks run).
    /// </summary>
    public void Start(string id)
    {
        ContainerRecord record;
        try
        {
            record = Release(id);
            HookRunner.Run(record.Hooks?.Poststart, HookRunner.Poststart, HookRunner.State(record, ContainerStatus.Running, record.Pid));
        }
        catch (HookFailedException)
        {
            TearDown(id);
            throw;
        }
        log.Debug($"container {id} started");
    }

    private void TearDown(string id)
    {
        try
        {
            Delete(id, force: true);
        }
        catch (JaulaException e)
        {
            log.Warn($"container {id} could not be removed after its hook failed: {e.Message}");
        }
    }

    private ContainerRecord Release(string id)
    {
        using var _ = store.Lock(id);
        var container = Container.Load(store, id);
        // The C start (native/fast_start.c) read the init's refusal from the fifo and left it here for us.
        if (StartTicket.TakeRefusal(container.Directory) is { } refusal)
            throw new HookFailedException(refusal);
        var status = container.Status;
        using var pidfd = status == ContainerStatus.Created ? container.OpenInitPidFd() : null;
        if (pidfd is null)
        {
            throw new JaulaException(status switch
            {
                ContainerStatus.Running or ContainerStatus.Paused => $"cannot start an already {status.ToText()} container",
                ContainerStatus.Creating => "cannot start a container that is still being created",
                _ => "cannot start a container that has stopped",
            });
        }
        if (container.Record.NoProcess)
            throw JaulaException.ForField("process", "missing from config.json: the container has nothing to run (config.md: process is required when start is called); delete it and create it with a process");
        ExecFifo.Release(container.Directory, pidfd);
        return container.Record;
    }

    public void Kill(string id, int signal, bool all)
    {
        var container = Container.Load(store, id);
        using var pidfd = container.OpenInitPidFd();
        if (pidfd is null)
            throw new JaulaException("container not running");
        if (all)
            SignalAll(container, signal);
        int errno = Sys.TryPidfdSendSignal(pidfd, signal);
        if (errno != 0 && !(all && errno == Errno.ESRCH))
            throw new JaulaException($"kill {Signals.Name(signal)} of pid {container.Record.Pid}: {new ErrnoException("kill", null, errno).Message}");
        if (signal == Signals.SIGKILL)
            ContainerCgroupOps.ThawIfFrozen(container, log);
    }

    /// <summary>
    /// Every process of the container's cgroup; a container recorded without a cgroup falls back to every process in
    /// its own pid namespace (one that shares the host's pid namespace has only its init reached).
    /// </summary>
    private void SignalAll(Container container, int signal)
    {
        if (ContainerCgroupOps.TryKillAll(container, signal, log))
            return;
        if (!container.Record.OwnPidNamespace || container.Record.PidNamespace is not { } ns)
        {
            log.Warn($"kill --all: container {container.Id} shares a pid namespace; only its init is signalled");
            return;
        }
        foreach (int pid in ProcFs.ListPids())
        {
            if (pid == container.Record.Pid || ProcFs.ReadNamespaceInode(pid, "pid") != ns)
                continue;
            // Checked again through a pidfd: the pid may have been reused since the scan.
            try
            {
                using var pidfd = Sys.PidfdOpen(pid);
                if (ProcFs.ReadNamespaceInode(pid, "pid") == ns)
                    Sys.TryPidfdSendSignal(pidfd, signal);
            }
            catch (ErrnoException e) when (e.Errno == Errno.ESRCH) { }
        }
    }

    /// <summary>With <paramref name="force"/>, an id that does not exist is not an error, as with runc: engines call
    /// `delete --force` during cleanup whether or not the container is still there.</summary>
    public void Delete(string id, bool force)
    {
        store.SweepStaging(); // a create killed before its directory got the id leaves only a staging dir
        ContainerLock containerLock;
        try
        {
            containerLock = store.Lock(id);
        }
        catch (ContainerNotFoundException) when (force)
        {
            return;
        }
        using var _ = containerLock;
        Container? container;
        try
        {
            container = Container.TryLoad(store, id);
        }
        catch (JaulaException) when (force && store.Exists(id))
        {
            // state.json is damaged: what made.json names is all there is to go on.
            RemoveWreck(id, force);
            return;
        }
        var status = container?.Status ?? ContainerStatus.Creating;
        if (container is null || status == ContainerStatus.Creating)
        {
            // "creating" while we hold the lock: a create that died half-way (or state.json is gone). Remove the wreck.
            RemoveWreck(id, force);
            return;
        }
        if (status is ContainerStatus.Running or ContainerStatus.Paused && !force)
            throw new JaulaException($"cannot delete container {id} that is not stopped: {status.ToText()}");
        if (status != ContainerStatus.Stopped)
            StopForDelete(container);
        HostMountNamespace.RemoveOrThrow(id, store.TryLoadMade(id)?.HostMounts);
        ContainerCgroupOps.Remove(container, log);
        ContainerResctrl.Remove(container.Record.IntelRdt, log);
        store.Remove(id);
        log.Debug($"container {id} deleted");
        HookRunner.RunPoststop(container.Record.Hooks, HookRunner.State(container.Record, ContainerStatus.Stopped, 0), log);
    }

    /// <summary>
    /// A container without a usable state.json: kill the init made.json names (if it still is that process), then
    /// everything in the cgroup it names, and remove both and the directory. A half-made container's init died with
    /// its create (native/stage.h); one that lives has lost its state.json, and only --force removes it.
    /// </summary>
    private void RemoveWreck(string id, bool force)
    {
        var made = store.TryLoadMade(id);
        using (var pidfd = made is null ? null : OpenIfSame(made.Pid, made.PidStartTime))
        {
            if (pidfd is not null)
            {
                if (!force)
                    throw new JaulaException($"container {id}: its state.json is missing (or its create never finished) but its init (pid {made!.Pid}) still runs; `delete --force {id}` removes it");
                Sys.TryPidfdSendSignal(pidfd, Signals.SIGKILL);
                AwaitExit(pidfd, made!.Pid);
            }
        }
        HostMountNamespace.RemoveOrThrow(id, made?.HostMounts);
        if (made?.Cgroup is { } cgroup)
        {
            ContainerCgroupOps.Run(() =>
            {
                var manager = CgroupManagers.FromRecord(cgroup, log.Warn, id);
                if (manager.Pids().Count > 0)
                    manager.KillAll(Signals.SIGKILL);
                manager.Destroy();
            });
        }
        store.Remove(id);
        log.Debug($"container {id}: removed what a half-made create or a lost state left");
    }

    /// <summary>A pidfd of <paramref name="pid"/> while it is still the process that started at <paramref name="startTime"/>.</summary>
    private static SafeFd? OpenIfSame(int pid, ulong startTime)
    {
        if (pid <= 0)
            return null;
        SafeFd pidfd;
        try
        {
            pidfd = Sys.PidfdOpen(pid);
        }
        catch (ErrnoException e) when (e.Errno == Errno.ESRCH)
        {
            return null;
        }
        if (ProcFs.ReadStat(pid) is { } stat && stat.StartTime == startTime && stat.State is not ('Z' or 'X'))
            return pidfd;
        pidfd.Dispose();
        return null;
    }

    private static void AwaitExit(SafeFd pidfd, int pid)
    {
        Span<PollFd> fds = [new PollFd(pidfd.Value, PollFd.In)];
        if (Sys.Poll(fds, (int)StopTimeout.TotalMilliseconds) == 0)
            throw new JaulaException($"the container's init (pid {pid}) did not exit within {StopTimeout.TotalSeconds} s of SIGKILL");
    }

    private void StopForDelete(Container container)
    {
        using var pidfd = container.OpenInitPidFd();
        if (pidfd is null)
            return;
        SignalAll(container, 9);
        Sys.TryPidfdSendSignal(pidfd, 9);
        Span<PollFd> fds = [new PollFd(pidfd.Value, PollFd.In)];
        if (Sys.Poll(fds, (int)StopTimeout.TotalMilliseconds) == 0)
            throw new JaulaException($"the container's init (pid {container.Record.Pid}) did not exit within {StopTimeout.TotalSeconds} s of SIGKILL");
    }

    public ContainerState State(string id) => Container.Load(store, id).ToState();

    public IReadOnlyList<ContainerState> List()
    {
        var states = new List<ContainerState>();
        foreach (string id in store.ListIds())
        {
            try
            {
                if (Container.TryLoad(store, id) is { } container)
                    states.Add(container.ToState());
            }
            catch (Exception e) when (e is JaulaException or IOException or UnauthorizedAccessException)
            {
                // One bad entry never fails the whole list.
                log.Warn($"list: skipping {id}: {e.Message}");
            }
        }
        return states;
    }
}
