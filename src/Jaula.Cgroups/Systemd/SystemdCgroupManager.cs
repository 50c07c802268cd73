using Jaula.Cgroups.Stats;
using Jaula.Oci;

namespace Jaula.Cgroups.Systemd;

/// <summary>
/// The systemd cgroup driver, v2 only, as runc's: the container's init goes into a transient unit (a scope, Delegate=yes)
/// that systemd creates over D-Bus with the resources as unit properties; from then on the cgroupfs v2 manager works on
/// the unit's cgroup (the rest of the resources, stats, freeze, kill, exec's join). `update` sets the properties, then
/// the files; delete stops the unit. The unit needs the init's pid, so it is started by <see cref="AddProcess"/>, with
/// what <see cref="Apply"/> was given before.
/// </summary>
public sealed class SystemdCgroupManager(SystemdUnitPath unit, string containerId, CgroupV2Manager fs, bool started,
    Func<SystemdBus> connect) : ICgroupManager
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ScopeCleanupGrace = TimeSpan.FromSeconds(2);

    private bool _started = started;
    private LinuxResources _pending = new();

    public string Unit => unit.Unit;

    public int Version => 2;

    public IReadOnlyDictionary<string, string> Paths => fs.Paths;

    /// <summary>Nothing yet: systemd makes the cgroup when the unit starts (in <see cref="AddProcess"/>).</summary>
    public void Create() { }

    public void Apply(LinuxResources resources, bool update = false)
    {
        if (!_started)
        {
            _pending = resources;
            return;
        }
        if (update)
            Bus("SetUnitProperties", b => b.SetUnitProperties(unit.Unit, runtime: true, UnitProperties.ForResources(resources)));
        fs.Apply(resources, update);
    }

    public void AddProcess(int pid)
    {
        if (_started)
        {
            fs.AddProcess(pid);
            return;
        }
        Start(pid);
    }

    /// <summary>StartTransientUnit with the pid (a slice holds no pids of its own: the init is written into it after).</summary>
    private void Start(int pid)
    {
        var properties = UnitProperties.ForStart(unit, containerId, unit.IsSlice ? null : pid, _pending);
        Bus("StartTransientUnit", b =>
        {
            string job;
            try
            {
                job = b.StartTransientUnit(unit.Unit, "replace", properties);
            }
            catch (SystemdErrorReplyException e) when (e.ErrorName == SystemdBus.UnitExists)
            {
                // A failed unit of an earlier container with this name stays loaded until reset: reset, try once more.
                b.ResetFailedUnit(unit.Unit);
                job = b.StartTransientUnit(unit.Unit, "replace", properties);
            }
            _started = true;
            // Until its start job has run the unit is still "inactive": only a finished job with no active unit failed.
            WaitForState(b, "start", s => s == "active", s => s == "failed" || (s != "activating" && !b.JobPending(job) && b.ActiveState(unit.Unit) != "active"));
        });
        fs.Create();
        if (unit.IsSlice)
            fs.AddProcess(pid);
        fs.Apply(_pending);
    }

    public void Freeze() => fs.Freeze();

    /// <summary>
    /// systemd removes a scope's cgroup on its own once the last process has exited, possibly while we read or
    /// signal it: a cgroup that vanished holds no processes, and nothing in it is frozen.
    /// </summary>
    public IReadOnlyList<int> Pids() => UnlessScopeVanished(fs.Pids, []);

    public FreezerState FreezerState() => UnlessScopeVanished(fs.FreezerState, Cgroups.FreezerState.Undefined);

    public void Thaw() => UnlessScopeVanished(() =>
    {
        fs.Thaw();
        return true;
    }, true);

    public void KillAll(int signal) => UnlessScopeVanished(() =>
    {
        fs.KillAll(signal);
        return true;
    }, true);

    private T UnlessScopeVanished<T>(Func<T> action, T vanished)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or CgroupException && !Directory.Exists(fs.Paths[""]))
        {
            return vanished;
        }
    }
    public CgroupStats Stats() => fs.Stats();
    public ulong OomKillCount() => fs.OomKillCount();
    public IOomWatch WatchOom() => fs.WatchOom();

    /// <summary>
    /// StopUnit, wait until systemd has unloaded it (resetting a failed one), then any cgroup left over. A scope whose
    /// processes are all gone is stopped and removed by systemd itself: when its cgroup vanishes within a moment,
    /// there is nothing to ask systemd. The calls are idempotent, so a connection that stays silent is retried.
    /// </summary>
    public void Destroy()
    {
        if (_started && !(unit.IsSlice is false && VanishesSoon()))
        {
            Bus("StopUnit", attempts: 3, action: b =>
            {
                try
                {
                    b.StopUnit(unit.Unit, "replace");
                }
                catch (SystemdErrorReplyException e) when (e.ErrorName == SystemdBus.NoSuchUnit)
                {
                    return; // already gone: a scope is unloaded as soon as its last process exits
                }
                string? last = WaitForState(b, "stop", s => s is null or "inactive" or "failed", _ => false);
                if (last == "failed")
                    b.ResetFailedUnit(unit.Unit);
            });
        }
        UnlessScopeVanished(() =>
        {
            fs.Destroy();
            return true;
        }, true);
    }

    public CgroupRecord ToRecord() => fs.ToRecord() with { SystemdUnit = unit.Unit, SystemdSlice = unit.Slice };

    /// <summary>Polls the unit's ActiveState until <paramref name="done"/> (returned) or <paramref name="failed"/> (an error).</summary>
    private string? WaitForState(SystemdBus bus, string what, Func<string?, bool> done, Func<string?, bool> failed)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            string? state = bus.ActiveState(unit.Unit);
            if (done(state))
                return state;
            if (failed(state))
                throw new CgroupException($"{Where()}: systemd could not {what} the unit: its state is {state ?? "unloaded"} (see `journalctl -u {unit.Unit}`)");
            if (DateTime.UtcNow > deadline)
                throw new CgroupException($"{Where()}: systemd did not {what} the unit within {JobTimeout.TotalSeconds} s (state {state})");
            Thread.Sleep(PollInterval);
        }
    }

    private bool VanishesSoon()
    {
        if (Pids().Count > 0)
            return false;
        var deadline = DateTime.UtcNow + ScopeCleanupGrace;
        while (Directory.Exists(fs.Paths[""]))
        {
            if (DateTime.UtcNow > deadline)
                return false;
            Thread.Sleep(PollInterval);
        }
        return true;
    }

    private string Where() => $"container {containerId}: {SystemdUnitPath.Field}: systemd unit {unit.Unit} in {unit.Slice}";

    /// <summary>One connection per operation; a D-Bus failure becomes a CgroupException naming container, field and error.</summary>
    private void Bus(string method, Action<SystemdBus> action, int attempts = 1)
    {
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    using var bus = connect();
                    action(bus);
                    return;
                }
                catch (SystemdBusException) when (attempt < attempts) { }
            }
        }
        catch (SystemdErrorReplyException e)
        {
            throw new CgroupException($"{Where()}: {e.Method} failed: {e.ErrorName}: {e.ErrorMessage}", e);
        }
        catch (SystemdBusException e)
        {
            throw new CgroupException($"{Where()}: {method} over D-Bus failed ({SystemdBus.PrivateSocket} or {SystemdBus.SystemBusSocket}): {e.Message}; is systemd running as PID 1?", e);
        }
    }
}
