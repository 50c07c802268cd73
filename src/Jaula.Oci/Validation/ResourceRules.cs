namespace Jaula.Oci;

/// <summary>linux.resources: memory, cpu, pids, hugepages, rdma and unified (config-linux.md "Control groups").</summary>
internal static class ResourceRules
{
    private const string Field = "linux.resources";
    private const long Unlimited = -1;
    private const ulong MaxSwappiness = 100;

    public static void Check(Spec spec, Problems problems)
    {
        var resources = spec.Linux?.Resources;
        if (resources is null)
        {
            return;
        }
        CheckMemory(resources.Memory, problems);
        CheckCpu(resources.Cpu, problems);
        if (resources.Pids?.Limit < Unlimited)
        {
            problems.Add($"{Field}.pids.limit", $"must be a number of tasks, or -1 for no limit, found {resources.Pids.Limit}");
        }
        DeviceCgroupRules.Check(resources.Devices, $"{Field}.devices", problems);
        BlockIoRules.Check(resources.BlockIo, $"{Field}.blockIO", problems);
        CheckHugepages(resources.HugepageLimits, problems);
        CheckRdma(resources.Rdma, problems);
        CheckUnified(resources.Unified, problems);
        Items.Each(resources.Network?.Priorities, $"{Field}.network.priorities", problems, (_, _) => { });
    }

    private static void CheckMemory(MemoryResources? memory, Problems problems)
    {
        if (memory is null)
        {
            return;
        }
        CheckBytes(memory.Limit, "limit", problems);
        CheckBytes(memory.Reservation, "reservation", problems);
        CheckBytes(memory.Swap, "swap", problems);
        CheckBytes(memory.Kernel, "kernel", problems);
        CheckBytes(memory.KernelTcp, "kernelTCP", problems);
        if (memory.Swappiness > MaxSwappiness)
        {
            problems.Add($"{Field}.memory.swappiness", $"must be between 0 and 100, found {memory.Swappiness}");
        }
    }

    private static void CheckBytes(long? bytes, string name, Problems problems)
    {
        if (bytes < Unlimited)
        {
            problems.Add($"{Field}.memory.{name}", $"must be a number of bytes, or -1 for unlimited, found {bytes}");
        }
    }

    // The spec lets runtimes refuse a burst above a positive quota; the kernel would refuse it anyway.
    private static void CheckCpu(CpuResources? cpu, Problems problems)
    {
        if (cpu is { Quota: > 0, Burst: { } burst } && burst > (ulong)cpu.Quota.Value)
        {
            problems.Add($"{Field}.cpu.burst", $"must not be larger than quota ({cpu.Quota}), found {burst}");
        }
    }

    private static void CheckHugepages(List<HugepageLimit>? limits, Problems problems) =>
        Items.Each(limits, $"{Field}.hugepageLimits", problems, (limit, field) =>
        {
            if (!IsPageSize(limit.PageSize))
            {
                problems.Add(FieldPath.Property(field, "pageSize"),
                    $"must be a size such as \"64KB\", \"2MB\" or \"1GB\" (digits without a leading zero, then KB, MB or GB), found \"{limit.PageSize}\"");
            }
        });

    private static bool IsPageSize(string size) =>
        size.Length >= 3
        && size[^1] == 'B' && size[^2] is 'K' or 'M' or 'G'
        && size[0] is >= '1' and <= '9'
        && !size.AsSpan(0, size.Length - 2).ContainsAnyExceptInRange('0', '9');

    private static void CheckRdma(Dictionary<string, RdmaLimit>? rdma, Problems problems) =>
        Items.Each(rdma, $"{Field}.rdma", problems, (_, limit, field) =>
        {
            if (limit.HcaHandles is null && limit.HcaObjects is null)
            {
                problems.Add(field, "needs hcaHandles, hcaObjects or both");
            }
        });

    private static void CheckUnified(Dictionary<string, string>? unified, Problems problems) =>
        Items.Each(unified, $"{Field}.unified", problems, (key, _, field) =>
        {
            if (key.Length == 0 || key.Contains('/') || key is "." or "..")
            {
                problems.Add(field, $"\"{key}\" is not a cgroup file name: use names such as \"memory.high\" (no \"/\")");
            }
        });
}
