using Jaula.Cgroups.Resources;
using Jaula.Cgroups.Stats;
using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Cgroups;

/// <summary>
/// cgroup v1: one directory per controller hierarchy; on a hybrid host also one in the cgroup2 mount, which holds
/// the processes too (so cgroup.kill and, where enabled there, hugetlb work through it).
/// </summary>
public sealed class CgroupV1Manager(IReadOnlyList<HierarchyPath> hierarchies, HierarchyPath? unified, IEnumerable<string>? createdParents,
    Action<string> warn) : ICgroupManager
{
    private readonly List<string> _createdParents = [.. createdParents ?? []];

    public int Version => 1;

    public IReadOnlyDictionary<string, string> Paths =>
        All.ToDictionary(h => h.Key, h => h.Dir);

    private IEnumerable<HierarchyPath> All => unified is null ? hierarchies : [.. hierarchies, unified];

    private string? DirOf(string controller) => hierarchies.FirstOrDefault(h => h.Holds(controller))?.Dir;

    public void Create()
    {
        try
        {
            foreach (var h in All)
            {
                var created = CgroupDirectories.Create(h.Root, h.Dir);
                _createdParents.AddRange(created.Where(d => d != h.Dir));
                if (h.Holds("cpuset"))
                    InheritCpuset(h);
            }
        }
        catch
        {
            Destroy();
            throw;
        }
    }

    /// <summary>A new v1 cpuset is empty and takes no task until it has cpus and mems: copy them down from the parent.</summary>
    private static void InheritCpuset(HierarchyPath h)
    {
        string parent = h.Root.TrimEnd('/');
        foreach (string part in h.Dir[parent.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            string dir = $"{parent}/{part}";
            foreach (string file in new[] { "cpuset.cpus", "cpuset.mems" })
            {
                // (A missing file only happens in a plain directory standing in for the hierarchy.)
                if (CgroupFile.ReadValue(dir, file) is { } value && string.IsNullOrWhiteSpace(value))
                    CgroupFile.Write(dir, file, CgroupFile.ReadValue(parent, file) ?? "", file);
            }
            parent = dir;
        }
    }

    public void Apply(LinuxResources resources, bool update = false)
    {
        if (resources.HugepageLimits is { Count: > 0 } && DirOf("hugetlb") is null && unified is not null)
            CgroupV2Manager.EnableControllers(unified.Root, unified.Dir, ["hugetlb"]);
        new V1ResourceWriter(DirOf, unified?.Dir, warn).Apply(resources, update);
    }

    public void AddProcess(int pid)
    {
        foreach (var h in All)
            CgroupFile.Write(h.Dir, "cgroup.procs", CgroupFile.Num(pid), "cgroup.procs");
    }

    /// <summary>The cgroup2 directory holds every process on a hybrid host; otherwise any v1 hierarchy does.</summary>
    public IReadOnlyList<int> Pids()
    {
        string dir = unified?.Dir ?? DirOf("pids") ?? DirOf("freezer") ?? hierarchies[0].Dir;
        return CgroupFile.ReadPidsRecursive(dir).Distinct().ToList();
    }

    public void Freeze() => SetFrozen(true);

    public void Thaw() => SetFrozen(false);

    private void SetFrozen(bool frozen)
    {
        if (DirOf("freezer") is { } freezer)
            CgroupFreezer.SetV1(freezer, frozen);
        else if (unified is not null && CgroupFile.Exists(unified.Dir, "cgroup.freeze"))
            CgroupFreezer.SetV2(unified.Dir, frozen);
        else
            throw new CgroupException("pause/resume needs the freezer cgroup controller, which this host does not mount");
    }

    public FreezerState FreezerState()
    {
        if (DirOf("freezer") is { } freezer)
            return CgroupFreezer.StateV1(freezer);
        return unified is null ? Cgroups.FreezerState.Undefined : CgroupFreezer.StateV2(unified.Dir);
    }

    /// <summary>
    /// SIGKILL goes through the cgroup2 directory's cgroup.kill where there is one. Otherwise the cgroup is frozen
    /// while every pid is signalled, so nothing forks past the scan; a v1-frozen task dies of SIGKILL only once thawed.
    /// </summary>
    public void KillAll(int signal)
    {
        if (signal == Signals.SIGKILL && unified is not null && CgroupFile.Exists(unified.Dir, "cgroup.kill"))
        {
            CgroupFile.Write(unified.Dir, "cgroup.kill", "1", "cgroup.kill");
            if (FreezerState() == Cgroups.FreezerState.Frozen)
                Thaw();
            return;
        }
        CgroupSignals.SignalUnderFreeze(this, signal);
    }

    public CgroupStats Stats() => V1StatsReader.Read(DirOf, unified?.Dir);

    public ulong OomKillCount() =>
        DirOf("memory") is { } memory ? CgroupFile.ReadKeyed(memory, "memory.oom_control").GetValueOrDefault("oom_kill") : 0;

    public IOomWatch WatchOom() =>
        DirOf("memory") is { } memory && CgroupFile.Exists(memory, "cgroup.event_control")
            ? new V1OomWatch(memory)
            : new CounterOomWatch(OomKillCount);

    public void Destroy()
    {
        var errors = new List<string>();
        foreach (var h in All)
        {
            try
            {
                CgroupDirectories.RemoveTree(h.Dir);
            }
            catch (CgroupException e)
            {
                errors.Add(e.Message);
            }
        }
        foreach (string parent in _createdParents.OrderByDescending(p => p.Length))
        {
            try
            {
                CgroupDirectories.RemoveIfEmpty(parent);
            }
            catch (CgroupException e)
            {
                errors.Add(e.Message);
            }
        }
        if (errors.Count > 0)
            throw new CgroupException(string.Join("; ", errors));
    }

    public CgroupRecord ToRecord() => new()
    {
        Version = 1,
        Paths = All.ToDictionary(h => h.Key, h => h.Dir),
        Roots = All.ToDictionary(h => h.Key, h => h.Root),
        CreatedParents = [.. _createdParents],
    };
}
