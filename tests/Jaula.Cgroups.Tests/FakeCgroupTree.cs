using Jaula.Cgroups;

namespace Jaula.Cgroups.Tests;

/// <summary>
/// A temp dir laid out like a host's cgroup mounts. mkdir in a plain directory makes no interface files, so
/// <see cref="Populate"/> adds the files a real cgroup would have (empty), after the manager created its directories.
/// </summary>
public sealed class FakeCgroupTree : IDisposable
{
    public static readonly Dictionary<string, string[]> V1Files = new()
    {
        ["memory"] = ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.kmem.tcp.limit_in_bytes",
            "memory.swappiness", "memory.oom_control", "memory.use_hierarchy", "memory.usage_in_bytes", "memory.stat"],
        ["cpu"] = ["cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.cfs_burst_us", "cpu.rt_period_us", "cpu.rt_runtime_us", "cpu.idle", "cpu.stat"],
        ["cpuacct"] = ["cpuacct.usage", "cpuacct.usage_percpu", "cpuacct.stat"],
        ["cpuset"] = ["cpuset.cpus", "cpuset.mems"],
        ["devices"] = ["devices.allow", "devices.deny"],
        ["freezer"] = ["freezer.state"],
        ["blkio"] = ["blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device", "blkio.throttle.read_iops_device",
            "blkio.throttle.write_iops_device", "blkio.throttle.io_service_bytes_recursive"],
        ["pids"] = ["pids.max", "pids.current"],
        ["net_cls"] = ["net_cls.classid"],
        ["net_prio"] = ["net_prio.ifpriomap"],
        ["rdma"] = ["rdma.max"],
    };

    public static readonly string[] V2Files =
    [
        "cgroup.procs", "cgroup.freeze", "cgroup.events", "cgroup.kill", "cgroup.subtree_control", "cgroup.controllers",
        "memory.max", "memory.low", "memory.swap.max", "memory.current", "memory.events", "memory.stat", "cpu.weight", "cpu.max",
        "cpu.max.burst", "cpu.idle", "cpu.stat", "cpuset.cpus", "cpuset.mems", "pids.max", "pids.current", "io.weight", "io.max",
        "hugetlb.2MB.max", "hugetlb.2MB.rsvd.max", "hugetlb.2MB.current", "rdma.max",
    ];

    public FakeCgroupTree() => Root = Directory.CreateTempSubdirectory("jaula-cgroups-tests-").FullName;

    public string Root { get; }

    public string this[string relative] => Path.Combine(Root, relative);

    /// <summary>mountinfo + /proc/cgroups for the given v1 controllers (each its own hierarchy) and an optional cgroup2 mount.</summary>
    public CgroupLayout Layout(IEnumerable<string> v1Controllers, bool unified)
    {
        var lines = new List<string> { $"30 22 0:27 / {Root} rw,relatime - tmpfs tmpfs rw,mode=755" };
        int id = 31;
        var controllers = v1Controllers.ToList();
        foreach (string c in controllers)
        {
            Directory.CreateDirectory(this[c]);
            lines.Add($"{id} 30 0:{id} / {this[c]} rw,relatime - cgroup cgroup rw,{c}");
            id++;
        }
        Directory.CreateDirectory(this["systemd"]);
        lines.Add($"{id++} 30 0:{id} / {this["systemd"]} rw,relatime - cgroup cgroup rw,name=systemd");
        if (unified)
        {
            string u = controllers.Count == 0 ? this["v2"] : this["unified"];
            Directory.CreateDirectory(u);
            lines.Add($"{id} 30 0:{id} / {u} rw,relatime - cgroup2 cgroup2 rw");
        }
        File.WriteAllLines(this["mountinfo"], lines);
        File.WriteAllLines(this["cgroups"], ["#subsys_name\thierarchy\tnum_cgroups\tenabled",
            .. controllers.Select((c, i) => $"{c}\t{i + 1}\t1\t1"), "hugetlb\t0\t1\t1", "perf_event\t0\t1\t0"]);
        return CgroupLayout.Detect(this["mountinfo"], this["cgroups"]);
    }

    /// <summary>Adds the interface files a fresh cgroup would have to every directory of the manager.</summary>
    public static void Populate(ICgroupManager manager)
    {
        foreach (var (key, dir) in manager.Paths)
        {
            var files = key == "" ? V2Files : key.Split(',').SelectMany(c => V1Files.GetValueOrDefault(c, [])).Append("cgroup.procs");
            foreach (string file in files)
            {
                string path = Path.Combine(dir, file);
                if (!File.Exists(path))
                    File.WriteAllText(path, "");
            }
        }
    }

    /// <summary>Every write to the file, in order (the manager appends one line per write).</summary>
    public static string[] Writes(string dir, string file) => File.ReadAllLines(Path.Combine(dir, file));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException) { }
    }
}
