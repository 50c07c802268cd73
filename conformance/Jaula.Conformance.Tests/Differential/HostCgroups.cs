namespace Jaula.Conformance.Tests.Differential;

/// <summary>The limits a container's cgroups hold, read from the host while the container runs.</summary>
public static class HostCgroups
{
    private static readonly (string Hierarchy, string[] Files)[] s_read =
    [
        ("memory", ["memory.limit_in_bytes", "memory.soft_limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.swappiness"]),
        ("pids", ["pids.max"]),
        ("cpu", ["cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us"]),
        ("cpuacct", []),
        ("cpuset", ["cpuset.cpus", "cpuset.mems"]),
        ("devices", ["devices.list"]),
        ("freezer", ["freezer.state"]),
        ("blkio", []),
        ("systemd", []),
        ("unified", []),
    ];

    public static void Observe(Observation observation, string cgroupsPath, int initPid)
    {
        foreach ((string hierarchy, string[] files) in s_read)
        {
            string dir = $"/sys/fs/cgroup/{hierarchy}{cgroupsPath}";
            if (!Directory.Exists(dir))
            {
                observation.Add("host cgroups", $"{hierarchy}: no directory");
                continue;
            }
            bool holdsInit = File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Contains(initPid.ToString());
            observation.Add("host cgroups", $"{hierarchy}: directory, {(holdsInit ? "holds" : "does not hold")} the init");
            foreach (string file in files.Where(f => File.Exists(Path.Combine(dir, f))))
            {
                foreach (string line in File.ReadAllLines(Path.Combine(dir, file)))
                {
                    observation.Add("host cgroups", $"{hierarchy}/{file} {line}");
                }
            }
        }
    }
}
