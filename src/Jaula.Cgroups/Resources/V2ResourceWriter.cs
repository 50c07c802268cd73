using Jaula.Oci;

namespace Jaula.Cgroups.Resources;

/// <summary>
/// Writes linux.resources into one cgroup v2 directory, converting v1-style values as runc does (shares to
/// cpu.weight, blkio weight to io.weight, memory+swap to swap alone). Device rules are handled by the manager (eBPF).
/// </summary>
internal sealed class V2ResourceWriter(string dir, Action<string> warn)
{
    private const string F = "linux.resources";

    public void Apply(LinuxResources r, bool update)
    {
        if (r.Memory is { } memory)
            Memory(memory, update);
        if (r.Cpu is { } cpu)
            Cpu(cpu);
        if (r.Pids?.Limit is { } pids)
            Write("pids.max", CgroupConversions.V2Limit(pids), $"{F}.pids.limit");
        if (r.BlockIo is { } blkio)
            Io(blkio);
        for (int i = 0; i < (r.HugepageLimits?.Count ?? 0); i++)
        {
            var h = r.HugepageLimits![i];
            string size = CgroupConversions.HugepageSize(h.PageSize, $"{F}.hugepageLimits[{i}].pageSize");
            Write($"hugetlb.{size}.max", CgroupFile.Num(h.Limit), $"{F}.hugepageLimits[{i}].limit");
            if (CgroupFile.Exists(dir, $"hugetlb.{size}.rsvd.max"))
                Write($"hugetlb.{size}.rsvd.max", CgroupFile.Num(h.Limit), $"{F}.hugepageLimits[{i}].limit");
        }
        if (r.Network is { } network && (network.ClassId is not null || network.Priorities is { Count: > 0 }))
            throw new CgroupException($"{F}.network: net_cls and net_prio exist only in cgroup v1 (this host is cgroup v2)");
        foreach (var (device, limit) in r.Rdma ?? [])
            Write("rdma.max", V1ResourceWriter.RdmaLine(device, limit), $"{F}.rdma.{device}");
        foreach (var (key, value) in r.Unified ?? [])
            Unified(key, value);
    }

    private void Memory(MemoryResources m, bool update)
    {
        const string f = F + ".memory";
        if (m.Kernel is not null)
            warn($"{f}.kernel is deprecated and ignored (kernel memory limits are gone from recent kernels)");
        if (m.KernelTcp is not null)
            warn($"{f}.kernelTCP is ignored on cgroup v2 (tcp memory is accounted in memory.max)");
        if (m.DisableOomKiller == true)
            warn($"{f}.disableOOMKiller is ignored on cgroup v2 (there is no such switch)");
        if (m.UseHierarchy is not null)
            warn($"{f}.useHierarchy is ignored on cgroup v2 (always hierarchical)");
        if (m.Swappiness is not null)
            warn($"{f}.swappiness is ignored on cgroup v2 (no per-cgroup swappiness)");
        if (update && m.CheckBeforeUpdate == true && m.Limit is > 0)
            V1ResourceWriter.CheckUsageBelow(dir, "memory.current", m.Limit.Value, f);
        long limit = m.Limit ?? 0;
        long swap = CgroupConversions.MemorySwapToV2(m.Swap ?? 0, limit);
        // memory+swap equal to memory means no swap at all: swap.max 0, not "unset".
        bool noSwap = swap == 0 && m.Swap is > 0;
        if (swap != 0 || noSwap)
        {
            if (!CgroupFile.Exists(dir, "memory.swap.max") && swap != -1)
                throw new CgroupException($"{f}.swap: memory.swap.max does not exist (swap accounting is off on this kernel)");
            if (CgroupFile.Exists(dir, "memory.swap.max"))
                Write("memory.swap.max", CgroupConversions.V2Limit(swap), $"{f}.swap");
        }
        if (limit != 0)
            Write("memory.max", CgroupConversions.V2Limit(limit), $"{f}.limit");
        if (m.Reservation is { } reservation and not 0)
            Write("memory.low", CgroupConversions.V2Limit(reservation), $"{f}.reservation");
    }

    private void Cpu(CpuResources c)
    {
        const string f = F + ".cpu";
        if (c.RealtimePeriod is > 0 || c.RealtimeRuntime is > 0)
            throw new CgroupException($"{f}.realtimeRuntime: realtime cpu limits exist only in cgroup v1");
        if (c.Shares is { } shares and not 0)
            Write("cpu.weight", CgroupFile.Num(CgroupConversions.SharesToWeight(shares)), $"{f}.shares");
        if (c.Quota is { } quota and not 0 || c.Period is { } period and not 0)
        {
            string max = c.Quota is > 0 ? CgroupFile.Num(c.Quota.Value) : "max";
            if (c.Period is { } p and not 0)
                max += " " + CgroupFile.Num(p);
            Write("cpu.max", max, c.Quota is not null ? $"{f}.quota" : $"{f}.period");
        }
        if (c.Burst is { } burst)
            Write("cpu.max.burst", CgroupFile.Num(burst), $"{f}.burst");
        if (c.Idle is { } idle)
            Write("cpu.idle", CgroupFile.Num(idle), $"{f}.idle");
        if (!string.IsNullOrEmpty(c.Cpus))
            Write("cpuset.cpus", c.Cpus, $"{f}.cpus");
        if (!string.IsNullOrEmpty(c.Mems))
            Write("cpuset.mems", c.Mems, $"{f}.mems");
    }

    private void Io(BlockIoResources b)
    {
        const string f = F + ".blockIO";
        bool bfq = CgroupFile.Exists(dir, "io.bfq.weight");
        if (b.Weight is { } weight and not 0)
        {
            // io.bfq.weight takes blkio's own range (1-1000); io.weight takes 1-10000.
            if (bfq)
                Write("io.bfq.weight", CgroupFile.Num(weight), $"{f}.weight");
            else
                Write("io.weight", "default " + CgroupFile.Num(CgroupConversions.BlkioWeightToIoWeight(weight)), $"{f}.weight");
        }
        if (b.LeafWeight is not null)
            warn($"{f}.leafWeight is ignored on cgroup v2 (no leaf weights)");
        for (int i = 0; i < (b.WeightDevice?.Count ?? 0); i++)
        {
            var d = b.WeightDevice![i];
            if (d.Weight is not { } w)
                continue;
            if (bfq)
                Write("io.bfq.weight", $"{d.Major}:{d.Minor} {w}", $"{f}.weightDevice[{i}].weight");
            else
                Write("io.weight", $"{d.Major}:{d.Minor} {CgroupConversions.BlkioWeightToIoWeight(w)}", $"{f}.weightDevice[{i}].weight");
        }
        IoMax(b.ThrottleReadBpsDevice, "rbps", $"{f}.throttleReadBpsDevice");
        IoMax(b.ThrottleWriteBpsDevice, "wbps", $"{f}.throttleWriteBpsDevice");
        IoMax(b.ThrottleReadIopsDevice, "riops", $"{f}.throttleReadIOPSDevice");
        IoMax(b.ThrottleWriteIopsDevice, "wiops", $"{f}.throttleWriteIOPSDevice");
    }

    private void IoMax(List<BlockIoThrottleDevice>? devices, string key, string field)
    {
        for (int i = 0; i < (devices?.Count ?? 0); i++)
        {
            var d = devices![i];
            Write("io.max", $"{d.Major}:{d.Minor} {key}={d.Rate}", $"{field}[{i}]");
        }
    }

    /// <summary>linux.resources.unified: "controller.setting" file names of this cgroup only, written as given.</summary>
    private void Unified(string key, string value)
    {
        string field = $"{F}.unified.{key}";
        if (key.Contains('/') || key is "." or ".." || !key.Contains('.'))
            throw new CgroupException($"{field}: not a cgroup v2 file name");
        if (key.StartsWith("cgroup.", StringComparison.Ordinal) && key is not ("cgroup.freeze" or "cgroup.max.depth" or "cgroup.max.descendants"))
            throw new CgroupException($"{field}: jaula manages this cgroup core file itself");
        Write(key, value, field);
    }

    private void Write(string file, string value, string field) => CgroupFile.Write(dir, file, value, field);
}
