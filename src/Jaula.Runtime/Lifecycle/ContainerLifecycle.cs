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

    public void Delete(string id, bool force)
    {
        using var _ = store.Lock(id);
        var container = Container.TryLoad(store, id);
        var status = container?.Status ?? ContainerStatus.Creating;
        if (container is null || status == ContainerStatus.Creating)
        {
            // Still "creating" while we hold the lock: a create that died half-way. Nothing runs; remove the debris.
            store.Remove(id);
            return;
        }
        if (status is ContainerStatus.Running or ContainerStatus.Paused && !force)
            throw new JaulaException($"cannot delete container {id} that is not stopped: {status.ToText()}");
        if (status != ContainerStatus.Stopped)
            StopForDelete(container);
        ContainerCgroupOps.Remove(container, log);
        ContainerResctrl.Remove(container.Record.IntelRdt, log);
        store.Remove(id);
        log.Debug($"container {id} deleted");
        HookRunner.RunPoststop(container.Record.Hooks, HookRunner.State(container.Record, ContainerStatus.Stopped, 0), log);
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
            catch (JaulaException e)
            {
                log.Warn($"list: skipping {id}: {e.Message}");
            }
        }
        return states;
    }
}
