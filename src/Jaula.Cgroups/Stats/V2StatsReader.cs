namespace Jaula.Cgroups.Stats;

/// <summary>Reads a cgroup v2 directory's accounting files into runc's stats shape.</summary>
internal static class V2StatsReader
{
    public static CgroupStats Read(string dir)
    {
        var stats = new CgroupStats();
        var cpu = CgroupFile.ReadKeyed(dir, "cpu.stat");
        stats.Cpu.Usage.Total = cpu.GetValueOrDefault("usage_usec") * 1000;
        stats.Cpu.Usage.User = cpu.GetValueOrDefault("user_usec") * 1000;
        stats.Cpu.Usage.Kernel = cpu.GetValueOrDefault("system_usec") * 1000;
        stats.Cpu.Throttling.Periods = cpu.GetValueOrDefault("nr_periods");
        stats.Cpu.Throttling.ThrottledPeriods = cpu.GetValueOrDefault("nr_throttled");
        stats.Cpu.Throttling.ThrottledTime = cpu.GetValueOrDefault("throttled_usec") * 1000;

        if (CgroupFile.Exists(dir, "memory.current"))
        {
            var m = stats.Memory;
            m.Raw = CgroupFile.ReadKeyed(dir, "memory.stat");
            m.Cache = m.Raw.GetValueOrDefault("file");
            var events = CgroupFile.ReadKeyed(dir, "memory.events");
            m.Usage = new MemoryEntry
            {
                Usage = CgroupFile.ReadNumber(dir, "memory.current"),
                Max = CgroupFile.ReadNumber(dir, "memory.peak"),
                Limit = CgroupFile.ReadNumber(dir, "memory.max"),
                Failcnt = events.GetValueOrDefault("max"),
            };
            m.Swap = new MemoryEntry
            {
                Usage = CgroupFile.ReadNumber(dir, "memory.swap.current"),
                Max = CgroupFile.ReadNumber(dir, "memory.swap.peak"),
                Limit = CgroupFile.ReadNumber(dir, "memory.swap.max"),
                Failcnt = CgroupFile.ReadKeyed(dir, "memory.swap.events").GetValueOrDefault("max"),
            };
        }
        if (CgroupFile.Exists(dir, "pids.current"))
        {
            stats.Pids.Current = CgroupFile.ReadNumber(dir, "pids.current");
            ulong max = CgroupFile.ReadNumber(dir, "pids.max");
            stats.Pids.Limit = max == ulong.MaxValue ? 0 : max;
        }
        if (CgroupFile.Exists(dir, "io.stat"))
            Io(stats.Blkio, dir);
        V1StatsReader.Hugetlb(stats, dir, "current", "max", v1: false);
        return stats;
    }

    /// <summary>io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device.</summary>
    private static void Io(BlkioStats blkio, string dir)
    {
        blkio.IoServiceBytesRecursive = [];
        blkio.IoServicedRecursive = [];
        foreach (string line in (CgroupFile.TryRead(dir, "io.stat") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || f[0].Split(':') is not [var ma, var mi])
                continue;
            ulong major = CgroupFile.ParseNumber(ma), minor = CgroupFile.ParseNumber(mi);
            foreach (string kv in f[1..])
            {
                if (kv.Split('=') is not [var key, var value])
                    continue;
                var (list, op) = key switch
                {
                    "rbytes" => (blkio.IoServiceBytesRecursive, "Read"),
                    "wbytes" => (blkio.IoServiceBytesRecursive, "Write"),
                    "rios" => (blkio.IoServicedRecursive, "Read"),
                    "wios" => (blkio.IoServicedRecursive, "Write"),
                    _ => (null, ""),
                };
                list?.Add(new BlkioEntry { Major = major, Minor = minor, Op = op, Value = CgroupFile.ParseNumber(value) });
            }
        }
    }
}
