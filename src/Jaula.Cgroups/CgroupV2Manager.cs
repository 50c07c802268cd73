using Jaula.Cgroups.Resources;
using Jaula.Cgroups.Stats;
using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Cgroups;

/// <summary>cgroup v2: one directory in the unified hierarchy, with the controllers enabled down the path to it.</summary>
public sealed class CgroupV2Manager(HierarchyPath path, IEnumerable<string>? createdParents, Action<string> warn) : ICgroupManager
{
    private readonly List<string> _createdParents = [.. createdParents ?? []];

    public int Version => 2;

    public IReadOnlyDictionary<string, string> Paths => new Dictionary<string, string> { [""] = path.Dir };


    public void Create()
    {
        try
        {
            var created = CgroupDirectories.Create(path.Root, path.Dir);
            _createdParents.AddRange(created.Where(d => d != path.Dir));
            var available = (CgroupFile.TryRead(path.Root, "cgroup.controllers") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            EnableControllers(path.Root, path.Dir, available);
        }
        catch
        {
            Destroy();
            throw;
        }
    }

    /// <summary>
    /// Writes "+controller" into cgroup.subtree_control of every cgroup from the root down to the leaf's parent, each
    /// controller separately (one the kernel refuses must not block the others); a setting of a controller that
    /// could not be enabled fails later, naming its file.
    /// </summary>
    public static void EnableControllers(string root, string leaf, IReadOnlyList<string> controllers)
    {
        if (controllers.Count == 0)
            return;
        string dir = root.TrimEnd('/');
        foreach (string part in leaf[dir.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var enabled = (CgroupFile.TryRead(dir, "cgroup.subtree_control") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (string controller in controllers.Except(enabled))
            {
                try
                {
                    CgroupFile.Write(dir, "cgroup.subtree_control", "+" + controller, "cgroup.subtree_control");
                }
                catch (CgroupException) { }
            }
            dir = $"{dir}/{part}";
        }
    }

    public void Apply(LinuxResources resources, bool update = false)
    {
        new V2ResourceWriter(path.Dir, warn).Apply(resources, update);
        if (resources.Devices is { Count: > 0 } devices)
            DeviceFilterProgram.Attach(path.Dir, devices);
    }

    public void AddProcess(int pid) => CgroupFile.Write(path.Dir, "cgroup.procs", CgroupFile.Num(pid), "cgroup.procs");

    public IReadOnlyList<int> Pids() => CgroupFile.ReadPidsRecursive(path.Dir);

    public void Freeze() => CgroupFreezer.SetV2(path.Dir, true);

    public void Thaw() => CgroupFreezer.SetV2(path.Dir, false);

    public FreezerState FreezerState() => CgroupFreezer.StateV2(path.Dir);

    /// <summary>SIGKILL through cgroup.kill (kernel 5.14+); other signals to each pid of the frozen cgroup.</summary>
    public void KillAll(int signal)
    {
        if (signal == Signals.SIGKILL && CgroupFile.Exists(path.Dir, "cgroup.kill"))
        {
            CgroupFile.Write(path.Dir, "cgroup.kill", "1", "cgroup.kill");
            return;
        }
        CgroupSignals.SignalUnderFreeze(this, signal);
    }

    public CgroupStats Stats() => V2StatsReader.Read(path.Dir);

    public ulong OomKillCount() => CgroupFile.ReadKeyed(path.Dir, "memory.events").GetValueOrDefault("oom_kill");

    public IOomWatch WatchOom() => new CounterOomWatch(OomKillCount);

    public void Destroy()
    {
        CgroupDirectories.RemoveTree(path.Dir);
        foreach (string parent in _createdParents.OrderByDescending(p => p.Length))
            CgroupDirectories.RemoveIfEmpty(parent);
    }

    public CgroupRecord ToRecord() => new()
    {
        Version = 2,
        Paths = new() { [""] = path.Dir },
        Roots = new() { [""] = path.Root },
        CreatedParents = [.. _createdParents],
    };
}
