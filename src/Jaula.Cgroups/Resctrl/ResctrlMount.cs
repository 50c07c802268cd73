namespace Jaula.Cgroups.Resctrl;

/// <summary>Where resctrl is mounted (mountinfo's fstype "resctrl"), and why Intel RDT is missing when it is not.</summary>
public static class ResctrlMount
{
    /// <summary>The mount point of the first resctrl mount in <paramref name="mountInfoPath"/>, or null.</summary>
    public static string? Find(string mountInfoPath = CgroupLayout.DefaultMountInfo)
    {
        foreach (string line in File.ReadLines(mountInfoPath))
        {
            // id parent major:minor root mount-point options [optional...] - fstype source super-options
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash >= 6 && dash + 1 < f.Length && f[dash + 1] == "resctrl")
                return CgroupLayout.UnescapeMountField(f[4]);
        }
        return null;
    }

    /// <summary>
    /// The refusal when resctrl is not mounted: whether the CPU has RDT at all (the kernel's cpuinfo flags rdt_a for
    /// allocation, cqm for monitoring) decides whether mounting it can help.
    /// </summary>
    public static string NotMountedReason(string cpuInfoPath = "/proc/cpuinfo")
    {
        var flags = CpuFlags(cpuInfoPath);
        bool rdt = flags.Contains("rdt_a") || flags.Contains("cat_l3") || flags.Contains("mba") || flags.Contains("cqm");
        return rdt
            ? "Intel RDT is not available: resctrl is not mounted (mount -t resctrl resctrl /sys/fs/resctrl)"
            : "Intel RDT is not available: resctrl is not mounted, and this CPU has no RDT (no rdt_a, cat_l3, mba or cqm flag in /proc/cpuinfo)";
    }

    private static HashSet<string> CpuFlags(string cpuInfoPath)
    {
        try
        {
            foreach (string line in File.ReadLines(cpuInfoPath))
            {
                if (line.StartsWith("flags", StringComparison.Ordinal) && line.IndexOf(':') is int colon and > 0)
                    return [.. line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return [];
    }
}
