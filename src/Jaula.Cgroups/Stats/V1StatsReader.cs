using System.Globalization;

namespace Jaula.Cgroups.Stats;

/// <summary>Reads the v1 controllers' accounting files into runc's stats shape.</summary>
internal static class V1StatsReader
{
    /// <summary>cpuacct.stat counts USER_HZ ticks (100 per second on Linux); runc reports nanoseconds.</summary>
    private const ulong NanosPerTick = 1_000_000_000 / 100;

    public static CgroupStats Read(Func<string, string?> dirOf, string? unifiedDir)
    {
        var stats = new CgroupStats();
        if (dirOf("cpuacct") is { } cpuacct)
        {
            stats.Cpu.Usage.Total = CgroupFile.ReadNumber(cpuacct, "cpuacct.usage");
            stats.Cpu.Usage.Percpu = (CgroupFile.TryRead(cpuacct, "cpuacct.usage_percpu") ?? "")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(CgroupFile.ParseNumber).ToList();
            var ticks = CgroupFile.ReadKeyed(cpuacct, "cpuacct.stat");
            stats.Cpu.Usage.User = ticks.GetValueOrDefault("user") * NanosPerTick;
            stats.Cpu.Usage.Kernel = ticks.GetValueOrDefault("system") * NanosPerTick;
        }
        if (dirOf("cpu") is { } cpu)
        {
            var s = CgroupFile.ReadKeyed(cpu, "cpu.stat");
            stats.Cpu.Throttling.Periods = s.GetValueOrDefault("nr_periods");
            stats.Cpu.Throttling.ThrottledPeriods = s.GetValueOrDefault("nr_throttled");
            stats.Cpu.Throttling.ThrottledTime = s.GetValueOrDefault("throttled_time");
        }
        if (dirOf("memory") is { } memory)
            Memory(stats.Memory, memory);
        if (dirOf("pids") is { } pids)
        {
            stats.Pids.Current = CgroupFile.ReadNumber(pids, "pids.current");
            ulong max = CgroupFile.ReadNumber(pids, "pids.max");
            stats.Pids.Limit = max == ulong.MaxValue ? 0 : max;
        }
        if (dirOf("blkio") is { } blkio)
        {
            stats.Blkio.IoServiceBytesRecursive = BlkioEntries(blkio, "blkio.throttle.io_service_bytes_recursive");
            stats.Blkio.IoServicedRecursive = BlkioEntries(blkio, "blkio.throttle.io_serviced_recursive");
        }
        if (dirOf("hugetlb") is { } hugetlb)
            Hugetlb(stats, hugetlb, "usage_in_bytes", "max_usage_in_bytes", v1: true);
        else if (unifiedDir is not null)
            Hugetlb(stats, unifiedDir, "current", "max", v1: false);
        return stats;
    }

    private static void Memory(MemoryStats m, string dir)
    {
        m.Raw = CgroupFile.ReadKeyed(dir, "memory.stat");
        m.Cache = m.Raw.GetValueOrDefault("cache");
        m.Usage = Entry(dir, "memory");
        m.Swap = Entry(dir, "memory.memsw");
        m.Kernel = Entry(dir, "memory.kmem");
        m.KernelTcp = Entry(dir, "memory.kmem.tcp");
    }

    private static MemoryEntry Entry(string dir, string prefix) => new()
    {
        Usage = CgroupFile.ReadNumber(dir, $"{prefix}.usage_in_bytes"),
        Max = CgroupFile.ReadNumber(dir, $"{prefix}.max_usage_in_bytes"),
        Failcnt = CgroupFile.ReadNumber(dir, $"{prefix}.failcnt"),
        Limit = CgroupFile.ReadNumber(dir, $"{prefix}.limit_in_bytes"),
    };

    /// <summary>"8:0 Read 4096" lines; the "Total" line has no device.</summary>
    internal static List<BlkioEntry> BlkioEntries(string dir, string file)
    {
        var entries = new List<BlkioEntry>();
        foreach (string line in (CgroupFile.TryRead(dir, file) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 3 || f[0].Split(':') is not [var major, var minor])
                continue;
            entries.Add(new BlkioEntry
            {
                Major = CgroupFile.ParseNumber(major), Minor = CgroupFile.ParseNumber(minor), Op = f[1], Value = CgroupFile.ParseNumber(f[2]),
            });
        }
        return entries;
    }

    /// <summary>One entry per page size the directory has files for ("hugetlb.2MB.*").</summary>
    internal static void Hugetlb(CgroupStats stats, string dir, string usage, string max, bool v1)
    {
        if (!Directory.Exists(dir))
            return;
        foreach (string path in Directory.EnumerateFiles(dir, $"hugetlb.*.{usage}"))
        {
            string name = Path.GetFileName(path);
            string size = name["hugetlb.".Length..^(usage.Length + 1)];
            if (size.Contains('.'))
                continue; // hugetlb.2MB.rsvd.*
            ulong failcnt = v1
                ? CgroupFile.ReadNumber(dir, $"hugetlb.{size}.failcnt")
                : CgroupFile.ReadKeyed(dir, $"hugetlb.{size}.events").GetValueOrDefault("max");
            ulong limitOrMax = CgroupFile.ReadNumber(dir, $"hugetlb.{size}.{max}");
            stats.Hugetlb[size] = new HugetlbStats
            {
                Usage = CgroupFile.ReadNumber(dir, $"hugetlb.{size}.{usage}"),
                Max = limitOrMax == ulong.MaxValue ? 0 : limitOrMax,
                Failcnt = failcnt,
            };
        }
    }

    internal static string Invariant(ulong n) => n.ToString(CultureInfo.InvariantCulture);
}
