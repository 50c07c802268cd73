using Jaula.Oci;

namespace Jaula.Cgroups.Resources;

/// <summary>
/// Writes linux.resources into the v1 hierarchies: each setting to its controller's directory, in the order the
/// kernel needs (period before quota, swap and memory ordered against the current limit).
/// </summary>
internal sealed class V1ResourceWriter(Func<string, string?> dirOf, string? unifiedDir, Action<string> warn)
{
    private const string F = "linux.resources";

    public void Apply(LinuxResources r, bool update)
    {
        if (r.Unified is { Count: > 0 })
            throw new CgroupException($"{F}.unified: needs cgroup v2 (this host mounts the controllers as cgroup v1)");
        if (r.Devices is { Count: > 0 } devices)
            Devices(devices);
        if (r.Memory is { } memory)
            Memory(memory, update);
        if (r.Cpu is { } cpu)
            Cpu(cpu);
        if (r.Pids?.Limit is { } pids)
            Write("pids", "pids.max", CgroupConversions.V2Limit(pids), $"{F}.pids.limit");
        if (r.BlockIo is { } blkio)
            BlockIo(blkio);
        if (r.HugepageLimits is { Count: > 0 } huge)
            Hugetlb(huge);
        if (r.Network is { } network)
            Network(network);
        if (r.Rdma is { Count: > 0 } rdma)
        {
            foreach (var (device, limit) in rdma)
                Write("rdma", "rdma.max", RdmaLine(device, limit), $"{F}.rdma.{device}");
        }
    }

    private void Devices(List<DeviceCgroupRule> rules)
    {
        // Containers may share a cgroup (one linux.cgroupsPath): rewriting a list it already has starts with "deny
        // all", and until the allows are back the others' mknod and open of /dev/null fail with EPERM.
        if (dirOf("devices") is { } dir && DeviceRules.V1ListIsAlready(CgroupFile.TryRead(dir, "devices.list"), rules))
            return;
        for (int i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            Write("devices", rule.Allow ? "devices.allow" : "devices.deny", DeviceRules.V1Line(rule), $"{F}.devices[{i}]");
        }
    }

    private void Memory(MemoryResources m, bool update)
    {
        const string f = F + ".memory";
        string? dir = dirOf("memory");
        if (dir is null)
            throw NotMounted("memory", f);
        if (m.Kernel is not null)
            warn($"{f}.kernel is deprecated and ignored (kernel memory limits are gone from recent kernels)");
        if (update && m.CheckBeforeUpdate == true && m.Limit is > 0)
            CheckUsageBelow(dir, "memory.usage_in_bytes", m.Limit.Value, f);
        long limit = m.Limit ?? 0;
        long swap = m.Swap ?? 0;
        if (limit == -1 && swap == 0 && CgroupFile.Exists(dir, "memory.memsw.limit_in_bytes"))
            swap = -1;
        bool swapFirst = limit != 0 && swap != 0
            && (swap == -1 || CgroupFile.ReadNumber(dir, "memory.limit_in_bytes") < (ulong)swap);
        if (swapFirst)
            WriteSwap(dir, swap, f);
        if (limit != 0)
            CgroupFile.Write(dir, "memory.limit_in_bytes", CgroupFile.Num(limit), $"{f}.limit");
        if (!swapFirst && swap != 0)
            WriteSwap(dir, swap, f);
        if (m.Reservation is { } reservation and not 0)
            CgroupFile.Write(dir, "memory.soft_limit_in_bytes", CgroupFile.Num(reservation), $"{f}.reservation");
        if (m.KernelTcp is { } tcp and not 0)
            CgroupFile.Write(dir, "memory.kmem.tcp.limit_in_bytes", CgroupFile.Num(tcp), $"{f}.kernelTCP");
        if (m.Swappiness is { } swappiness)
        {
            if (swappiness > 100)
                throw new CgroupException($"{f}.swappiness: {swappiness} is above 100");
            CgroupFile.Write(dir, "memory.swappiness", CgroupFile.Num(swappiness), $"{f}.swappiness");
        }
        if (m.DisableOomKiller == true)
            CgroupFile.Write(dir, "memory.oom_control", "1", $"{f}.disableOOMKiller");
        if (m.UseHierarchy is { } hierarchy)
            CgroupFile.Write(dir, "memory.use_hierarchy", hierarchy ? "1" : "0", $"{f}.useHierarchy");
    }

    private static void WriteSwap(string dir, long swap, string f) =>
        CgroupFile.Write(dir, "memory.memsw.limit_in_bytes", CgroupFile.Num(swap), $"{f}.swap");

    internal static void CheckUsageBelow(string dir, string usageFile, long limit, string f)
    {
        ulong usage = CgroupFile.ReadNumber(dir, usageFile);
        if (usage >= (ulong)limit)
            throw new CgroupException($"{f}.limit: {limit} is not above the current usage {usage} ({usageFile}; checkBeforeUpdate is set)");
    }

    private void Cpu(CpuResources c)
    {
        const string f = F + ".cpu";
        if (c.Shares is { } shares and not 0)
            Write("cpu", "cpu.shares", CgroupFile.Num(shares), $"{f}.shares");
        if (c.Period is { } period and not 0)
            Write("cpu", "cpu.cfs_period_us", CgroupFile.Num(period), $"{f}.period");
        if (c.Quota is { } quota and not 0)
            Write("cpu", "cpu.cfs_quota_us", CgroupFile.Num(quota), $"{f}.quota");
        if (c.Burst is { } burst)
            Write("cpu", "cpu.cfs_burst_us", CgroupFile.Num(burst), $"{f}.burst");
        if (c.RealtimePeriod is { } rtPeriod and not 0)
            Write("cpu", "cpu.rt_period_us", CgroupFile.Num(rtPeriod), $"{f}.realtimePeriod");
        if (c.RealtimeRuntime is { } rtRuntime and not 0)
            Write("cpu", "cpu.rt_runtime_us", CgroupFile.Num(rtRuntime), $"{f}.realtimeRuntime");
        if (c.Idle is { } idle)
            Write("cpu", "cpu.idle", CgroupFile.Num(idle), $"{f}.idle");
        if (!string.IsNullOrEmpty(c.Cpus))
            Write("cpuset", "cpuset.cpus", c.Cpus, $"{f}.cpus");
        if (!string.IsNullOrEmpty(c.Mems))
            Write("cpuset", "cpuset.mems", c.Mems, $"{f}.mems");
    }

    private void BlockIo(BlockIoResources b)
    {
        const string f = F + ".blockIO";
        string? dir = dirOf("blkio") ?? throw NotMounted("blkio", f);
        // Kernels with the BFQ scheduler and without CFQ offer blkio.bfq.weight instead of blkio.weight.
        string weightFile = !CgroupFile.Exists(dir, "blkio.weight") && CgroupFile.Exists(dir, "blkio.bfq.weight")
            ? "blkio.bfq.weight" : "blkio.weight";
        if (b.Weight is { } weight and not 0)
            CgroupFile.Write(dir, weightFile, CgroupFile.Num(weight), $"{f}.weight");
        if (b.LeafWeight is { } leaf and not 0)
            CgroupFile.Write(dir, "blkio.leaf_weight", CgroupFile.Num(leaf), $"{f}.leafWeight");
        for (int i = 0; i < (b.WeightDevice?.Count ?? 0); i++)
        {
            var d = b.WeightDevice![i];
            if (d.Weight is { } w)
                CgroupFile.Write(dir, weightFile + "_device", $"{d.Major}:{d.Minor} {w}", $"{f}.weightDevice[{i}].weight");
            if (d.LeafWeight is { } lw)
                CgroupFile.Write(dir, "blkio.leaf_weight_device", $"{d.Major}:{d.Minor} {lw}", $"{f}.weightDevice[{i}].leafWeight");
        }
        Throttle(dir, b.ThrottleReadBpsDevice, "blkio.throttle.read_bps_device", $"{f}.throttleReadBpsDevice");
        Throttle(dir, b.ThrottleWriteBpsDevice, "blkio.throttle.write_bps_device", $"{f}.throttleWriteBpsDevice");
        Throttle(dir, b.ThrottleReadIopsDevice, "blkio.throttle.read_iops_device", $"{f}.throttleReadIOPSDevice");
        Throttle(dir, b.ThrottleWriteIopsDevice, "blkio.throttle.write_iops_device", $"{f}.throttleWriteIOPSDevice");
    }

    private static void Throttle(string dir, List<BlockIoThrottleDevice>? devices, string file, string field)
    {
        for (int i = 0; i < (devices?.Count ?? 0); i++)
        {
            var d = devices![i];
            CgroupFile.Write(dir, file, $"{d.Major}:{d.Minor} {d.Rate}", $"{field}[{i}]");
        }
    }

    private void Hugetlb(List<HugepageLimit> limits)
    {
        const string f = F + ".hugepageLimits";
        string? dir = dirOf("hugetlb");
        bool onUnified = dir is null && unifiedDir is not null;
        if (onUnified)
            dir = unifiedDir;
        if (dir is null)
            throw NotMounted("hugetlb", f);
        for (int i = 0; i < limits.Count; i++)
        {
            string size = CgroupConversions.HugepageSize(limits[i].PageSize, $"{f}[{i}].pageSize");
            string limit = CgroupFile.Num(limits[i].Limit);
            // The hybrid host's cgroup2 mount carries hugetlb with v2 file names.
            string file = onUnified ? $"hugetlb.{size}.max" : $"hugetlb.{size}.limit_in_bytes";
            string rsvd = onUnified ? $"hugetlb.{size}.rsvd.max" : $"hugetlb.{size}.rsvd.limit_in_bytes";
            CgroupFile.Write(dir, file, limit, $"{f}[{i}].limit");
            if (CgroupFile.Exists(dir, rsvd))
                CgroupFile.Write(dir, rsvd, limit, $"{f}[{i}].limit");
        }
    }

    private void Network(NetworkResources n)
    {
        const string f = F + ".network";
        if (n.ClassId is { } classId)
            Write("net_cls", "net_cls.classid", CgroupFile.Num(classId), $"{f}.classID");
        for (int i = 0; i < (n.Priorities?.Count ?? 0); i++)
        {
            var p = n.Priorities![i];
            Write("net_prio", "net_prio.ifpriomap", $"{p.Name} {p.Priority}", $"{f}.priorities[{i}]");
        }
    }

    internal static string RdmaLine(string device, RdmaLimit limit)
    {
        var parts = new List<string> { device };
        if (limit.HcaHandles is { } handles)
            parts.Add($"hca_handle={handles}");
        if (limit.HcaObjects is { } objects)
            parts.Add($"hca_object={objects}");
        return string.Join(' ', parts);
    }

    private void Write(string controller, string file, string value, string field)
    {
        string dir = dirOf(controller) ?? throw NotMounted(controller, field);
        CgroupFile.Write(dir, file, value, field);
    }

    private static CgroupException NotMounted(string controller, string field) =>
        new($"{field}: the {controller} cgroup controller is not mounted on this host; remove the field, or mount the controller (`jaula check` shows how)");
}
