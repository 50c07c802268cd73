using Jaula.Linux;

namespace Jaula.Cgroups;

/// <summary>Counts the OOM events of a container's cgroup between polls, without missing one that races its removal.</summary>
public interface IOomWatch : IDisposable
{
    /// <summary>How many OOM events happened since the last call.</summary>
    ulong Poll();
}

/// <summary>
/// v1: an eventfd registered on memory.oom_control through cgroup.event_control. The kernel bumps it on every OOM
/// and once more when the cgroup is removed, and the count survives the removal (a container whose last process
/// the OOM killer took is deleted by `run` at once).
/// </summary>
internal sealed class V1OomWatch : IOomWatch
{
    private readonly string _dir;
    private readonly SafeFd _eventfd;
    private readonly SafeFd _oomControl;
    private bool _removed;

    public V1OomWatch(string memoryDir)
    {
        _dir = memoryDir;
        _eventfd = Sys.Eventfd(0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK);
        _oomControl = Sys.Open(Path.Combine(memoryDir, "memory.oom_control"), OpenFlags.ReadOnly | OpenFlags.CloExec);
        CgroupFile.Write(memoryDir, "cgroup.event_control", $"{_eventfd.DangerousGetHandle()} {_oomControl.DangerousGetHandle()}", "cgroup.event_control");
    }

    /// <summary>How long the removal's wake-up may take to arrive once the directory is gone.</summary>
    private static readonly TimeSpan RemovalWakeUp = TimeSpan.FromSeconds(1);

    public ulong Poll()
    {
        ulong count = Sys.TakeEventfdCount(_eventfd);
        if (_removed || Directory.Exists(_dir))
            return count;
        // The removal's wake-up is the last the eventfd ever gets, and it comes when the cgroup goes offline, which
        // the kernel finishes after rmdir returns: wait for it, so that it is neither taken for an OOM later nor
        // subtracted from an OOM seen just before it (`run` removes an OOM-killed container's cgroup at once).
        _removed = true;
        Span<PollFd> fds = [new PollFd(_eventfd.Value, PollFd.In)];
        if (Sys.Poll(fds, (int)RemovalWakeUp.TotalMilliseconds) > 0)
            count += Sys.TakeEventfdCount(_eventfd);
        return count > 0 ? count - 1 : 0;
    }

    public void Dispose()
    {
        _oomControl.Dispose();
        _eventfd.Dispose();
    }
}

/// <summary>v2 (or v1 without event_control): the oom_kill counter, compared between polls.</summary>
internal sealed class CounterOomWatch(Func<ulong> read) : IOomWatch
{
    private ulong _last = read();

    public ulong Poll()
    {
        ulong now = read();
        ulong delta = now > _last ? now - _last : 0;
        if (now > _last)
            _last = now;
        return delta;
    }

    public void Dispose() { }
}
