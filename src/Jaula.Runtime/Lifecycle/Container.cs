using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>A container loaded from the state store, with its status computed from the live process.</summary>
public sealed class Container
{
    private Container(ContainerRecord record, string directory)
    {
        Record = record;
        Directory = directory;
    }

    public ContainerRecord Record { get; }
    public string Directory { get; }
    public string Id => Record.Id;

    /// <summary>Throws <see cref="ContainerNotFoundException"/> for an unknown id; null while still being created.</summary>
    public static Container? TryLoad(StateStore store, string id)
    {
        if (!store.Exists(id))
            throw new ContainerNotFoundException(id);
        var record = store.TryLoad(id);
        return record is null ? null : new Container(record, store.DirectoryOf(id));
    }

    public static Container Load(StateStore store, string id) =>
        TryLoad(store, id) ?? throw new JaulaException("the container is still being created");

    /// <summary>
    /// Creating until `create` records the init's pid; stopped when the init is gone, a zombie, or its pid now belongs
    /// to another process (the start time differs); created while the exec fifo exists; running otherwise.
    /// </summary>
    public ContainerStatus Status
    {
        get
        {
            if (Record.Pid == 0)
                return ContainerStatus.Creating;
            if (!InitIsAlive())
                return ContainerStatus.Stopped;
            if (ExecFifo.Exists(Directory))
                return ContainerStatus.Created;
            return ContainerCgroupOps.IsFrozen(Record) ? ContainerStatus.Paused : ContainerStatus.Running;
        }
    }

    public bool InitIsAlive()
    {
        if (Record.Pid == 0)
            return false;
        var stat = ProcFs.ReadStat(Record.Pid);
        return stat is { } s && s.StartTime == Record.PidStartTime && s.State is not ('Z' or 'X');
    }

    /// <summary>A pidfd for the init, checked against the recorded start time so a reused pid is never signalled.</summary>
    public SafeFd? OpenInitPidFd()
    {
        if (Record.Pid == 0)
            return null;
        SafeFd pidfd;
        try
        {
            pidfd = Sys.PidfdOpen(Record.Pid);
        }
        catch (ErrnoException e) when (e.Errno == Errno.ESRCH)
        {
            return null;
        }
        if (InitIsAlive())
            return pidfd;
        pidfd.Dispose();
        return null;
    }

    public ContainerState ToState()
    {
        var status = Status;
        return new ContainerState
        {
            OciVersion = OciSpecVersion.Current,
            Id = Record.Id,
            Status = status.ToText(),
            Pid = status is ContainerStatus.Created or ContainerStatus.Running or ContainerStatus.Paused ? Record.Pid : 0,
            Bundle = Record.Bundle,
            Rootfs = Record.Rootfs,
            Created = Record.Created,
            Owner = Record.Owner,
            Annotations = Record.Annotations,
        };
    }
}
