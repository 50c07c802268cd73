namespace Jaula.Cgroups.Resources;

/// <summary>runc's documented conversions between v1 values in config.json and the v2 files.</summary>
public static class CgroupConversions
{
    /// <summary>cpu.shares [2, 262144] to cpu.weight [1, 10000]; 0 means unset.</summary>
    public static ulong SharesToWeight(ulong shares) =>
        shares == 0 ? 0 : 1 + (Math.Clamp(shares, 2, 262144) - 2) * 9999 / 262142;

    /// <summary>blkio.weight [10, 1000] to io.weight [1, 10000]; 0 means unset.</summary>
    public static ulong BlkioWeightToIoWeight(ulong weight) =>
        weight == 0 ? 0 : 1 + (Math.Clamp(weight, 10, 1000) - 10) * 9999 / 990;

    /// <summary>
    /// v1's memory.memsw.limit_in_bytes is memory plus swap; v2's memory.swap.max is swap alone. -1 is unlimited,
    /// 0 leaves it unset; an unlimited memory without a swap value makes swap unlimited too.
    /// </summary>
    public static long MemorySwapToV2(long swap, long memory)
    {
        if (memory == -1 && swap == 0)
            return -1;
        if (swap is -1 or 0)
            return swap;
        if (memory is 0 or -1)
            throw new CgroupException("linux.resources.memory.swap: a swap limit needs a memory limit");
        if (memory < 0)
            throw new CgroupException($"linux.resources.memory.limit: invalid value {memory}");
        if (swap < memory)
            throw new CgroupException($"linux.resources.memory.swap: memory+swap limit {swap} is below the memory limit {memory}");
        return swap - memory;
    }

    /// <summary>A byte or count value for a v2 file: -1 (or any negative) is "max".</summary>
    public static string V2Limit(long value) => value < 0 ? "max" : CgroupFile.Num(value);

    /// <summary>The v1 hugetlb file name part: "2MB" stays "2MB"; spec sizes are "&lt;n&gt;&lt;K|M|G&gt;B" already.</summary>
    public static string HugepageSize(string pageSize, string field)
    {
        if (pageSize.Length < 3 || !pageSize.EndsWith("B", StringComparison.Ordinal) || "KMGT".IndexOf(pageSize[^2]) < 0
            || !pageSize[..^2].All(char.IsAsciiDigit))
            throw new CgroupException($"{field}: page size \"{pageSize}\" is not of the form <number><K|M|G>B");
        return pageSize;
    }
}
