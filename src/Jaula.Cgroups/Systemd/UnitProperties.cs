using Jaula.Cgroups.Resources;
using Jaula.Oci;
using Tmds.DBus.Protocol;

namespace Jaula.Cgroups.Systemd;

/// <summary>One property of a transient unit, as StartTransientUnit and SetUnitProperties take them: a(sv).</summary>
public sealed record UnitProperty(string Name, VariantValue Value);

/// <summary>
/// linux.resources as systemd unit properties, mapped as runc's systemd driver does. The files are written by the
/// cgroupfs manager afterwards as well (exact values, and every field systemd has no property for); the properties
/// keep systemd from resetting them on its own reloads.
/// </summary>
public static class UnitProperties
{
    private const ulong Infinity = ulong.MaxValue;

    /// <summary>systemd stores CPUQuotaPerSecUSec in 10 ms steps; runc rounds up to them.</summary>
    private const ulong QuotaStepUSec = 10_000;

    private const ulong DefaultPeriodUSec = 100_000;

    /// <summary>What StartTransientUnit gets for a container's unit.</summary>
    public static List<UnitProperty> ForStart(SystemdUnitPath unit, string containerId, int? pid, LinuxResources resources)
    {
        var list = new List<UnitProperty>
        {
            new("Description", VariantValue.String($"jaula container {containerId}")),
            // Not ordered after basic.target, not stopped by shutdown.target's conflicts: the container's own lifetime.
            new("DefaultDependencies", VariantValue.Bool(false)),
            new("MemoryAccounting", VariantValue.Bool(true)),
            new("CPUAccounting", VariantValue.Bool(true)),
            new("IOAccounting", VariantValue.Bool(true)),
            new("TasksAccounting", VariantValue.Bool(true)),
        };
        if (unit.IsSlice)
        {
            // A slice's parent is its name's prefix; the given slice is only wanted (runc's way). Slices take no
            // Delegate (systemd refuses it for them).
            list.Add(new("Wants", VariantValue.Array(new[] { unit.Slice })));
        }
        else
        {
            list.Add(new("Slice", VariantValue.String(unit.Slice)));
            list.Add(new("Delegate", VariantValue.Bool(true)));
        }
        if (pid is { } p)
            list.Add(new("PIDs", VariantValue.Array(new[] { (uint)p })));
        list.AddRange(ForResources(resources));
        return list;
    }

    public static List<UnitProperty> ForResources(LinuxResources r)
    {
        var list = new List<UnitProperty>();
        if (r.Memory?.Limit is { } limit && limit != 0)
            list.Add(new("MemoryMax", VariantValue.UInt64(limit == -1 ? Infinity : (ulong)limit)));
        if (r.Pids?.Limit is { } pids && (pids > 0 || pids == -1))
            list.Add(new("TasksMax", VariantValue.UInt64(pids == -1 ? Infinity : (ulong)pids)));
        if (r.Cpu is { } cpu)
            AddCpu(list, cpu);
        if (r.BlockIo?.Weight is { } weight and not 0)
            list.Add(new("IOWeight", VariantValue.UInt64(CgroupConversions.BlkioWeightToIoWeight(weight))));
        return list;
    }

    private static void AddCpu(List<UnitProperty> list, CpuResources cpu)
    {
        if (cpu.Shares is { } shares and not 0)
            list.Add(new("CPUWeight", VariantValue.UInt64(CgroupConversions.SharesToWeight(shares))));
        ulong period = cpu.Period ?? 0;
        long quota = cpu.Quota ?? 0;
        if (period != 0)
            list.Add(new("CPUQuotaPeriodUSec", VariantValue.UInt64(period)));
        if (quota != 0 || period != 0)
            list.Add(new("CPUQuotaPerSecUSec", VariantValue.UInt64(QuotaPerSecond(quota, period))));
        if (!string.IsNullOrEmpty(cpu.Cpus))
            list.Add(new("AllowedCPUs", VariantValue.Array(CpuSetBits(cpu.Cpus, "linux.resources.cpu.cpus"))));
        if (!string.IsNullOrEmpty(cpu.Mems))
            list.Add(new("AllowedMemoryNodes", VariantValue.Array(CpuSetBits(cpu.Mems, "linux.resources.cpu.mems"))));
    }

    /// <summary>quota/period as CPU time per second of wall time, rounded up to systemd's 10 ms; unlimited when quota ≤ 0.</summary>
    public static ulong QuotaPerSecond(long quota, ulong period)
    {
        if (quota <= 0)
            return Infinity;
        if (period == 0)
            period = DefaultPeriodUSec;
        ulong perSec = (ulong)quota * 1_000_000 / period;
        return perSec % QuotaStepUSec == 0 ? perSec : (perSec / QuotaStepUSec + 1) * QuotaStepUSec;
    }

    /// <summary>A cpuset list ("0-2,5") as systemd's bitmask bytes: bit j of byte i is CPU (or node) 8i+j.</summary>
    public static byte[] CpuSetBits(string list, string field)
    {
        var bits = new List<byte>();
        foreach (string part in list.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] range = part.Split('-');
            if (range.Length is < 1 or > 2 || !uint.TryParse(range[0], out uint from) || !uint.TryParse(range[^1], out uint to) || from > to || to > 8191)
                throw new CgroupException($"{field}: \"{list}\" is not a cpu list such as \"0-2,5\"");
            for (uint c = from; c <= to; c++)
            {
                while (bits.Count <= c / 8)
                    bits.Add(0);
                bits[(int)(c / 8)] |= (byte)(1 << (int)(c % 8));
            }
        }
        return [.. bits];
    }

    /// <summary>Writes a(sv).</summary>
    public static void Write(ref MessageWriter w, IEnumerable<UnitProperty> properties)
    {
        ArrayStart start = w.WriteArrayStart(DBusType.Struct);
        foreach (var p in properties)
        {
            w.WriteStructureStart();
            w.WriteString(p.Name);
            w.WriteVariant(p.Value);
        }
        w.WriteArrayEnd(start);
    }
}
