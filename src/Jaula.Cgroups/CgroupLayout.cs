namespace Jaula.Cgroups;

/// <summary>One mounted v1 hierarchy: its mount point and the controllers bound to it (e.g. "cpu", "cpuacct").</summary>
public sealed record V1Hierarchy(string MountPoint, IReadOnlyList<string> Controllers)
{
    /// <summary>The key the hierarchy is recorded under: its controllers joined by commas, as /proc/self/cgroup lists them.</summary>
    public string Key => string.Join(',', Controllers);

    /// <summary>A named hierarchy (name=systemd): directories and processes only, no controller files.</summary>
    public bool IsNamed => Controllers.Count == 1 && Controllers[0].StartsWith("name=", StringComparison.Ordinal);
}

/// <summary>
/// The host's cgroup mounts, read from mountinfo and /proc/cgroups. Only controllers the kernel has enabled count.
/// Of the named hierarchies, only name=systemd is kept (as a hierarchy without controllers): runc creates
/// linux.cgroupsPath there and moves the init into it, and engines on a v1 host expect the same.
/// </summary>
public sealed record CgroupLayout(CgroupMode Mode, IReadOnlyList<V1Hierarchy> V1, string? UnifiedMountPoint)
{
    public const string DefaultMountInfo = "/proc/self/mountinfo";
    public const string DefaultProcCgroups = "/proc/cgroups";
    public const string SystemdNamedHierarchy = "name=systemd";

    public static CgroupLayout DetectHost() => Detect(DefaultMountInfo, DefaultProcCgroups);

    public static CgroupLayout Detect(string mountInfoPath, string procCgroupsPath)
    {
        var enabled = EnabledControllers(procCgroupsPath);
        var v1 = new List<V1Hierarchy>();
        string? unified = null;
        foreach (string line in File.ReadLines(mountInfoPath))
        {
            // id parent major:minor root mount-point options [optional...] - fstype source super-options
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 6 || dash + 3 >= f.Length)
                continue;
            string mountPoint = UnescapeMountField(f[4]);
            string fsType = f[dash + 1];
            if (fsType == "cgroup2")
                unified ??= mountPoint;
            else if (fsType == "cgroup")
            {
                string[] options = f[dash + 3].Split(',');
                var controllers = options.Where(enabled.Contains).ToList();
                if (controllers.Count == 0 && options.Contains(SystemdNamedHierarchy))
                    controllers.Add(SystemdNamedHierarchy);
                if (controllers.Count > 0 && !v1.Any(h => h.Key == string.Join(',', controllers)))
                    v1.Add(new V1Hierarchy(mountPoint, controllers));
            }
        }
        bool anyController = v1.Any(h => !h.IsNamed);
        if (!anyController)
            v1.Clear(); // a named hierarchy beside a pure cgroup2 host: jaula manages only cgroup2 there
        var mode = !anyController ? CgroupMode.Unified : unified is null ? CgroupMode.Legacy : CgroupMode.Hybrid;
        if (mode == CgroupMode.Unified && unified is null)
            throw new CgroupException($"no cgroup filesystem is mounted ({mountInfoPath} lists neither cgroup nor cgroup2)");
        return new CgroupLayout(mode, v1, unified);
    }

    /// <summary>The v1 hierarchy a controller is mounted on, if any.</summary>
    public V1Hierarchy? HierarchyOf(string controller) => V1.FirstOrDefault(h => h.Controllers.Contains(controller));

    private static HashSet<string> EnabledControllers(string procCgroupsPath)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(procCgroupsPath))
            return names;
        foreach (string line in File.ReadLines(procCgroupsPath))
        {
            if (line.StartsWith('#'))
                continue;
            string[] f = line.Split('\t', ' ');
            if (f.Length >= 4 && f[3] == "1")
                names.Add(f[0]);
        }
        return names;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo.</summary>
    public static string UnescapeMountField(string field)
    {
        if (!field.Contains('\\'))
            return field;
        var sb = new System.Text.StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && field[i + 1] is >= '0' and <= '7' && field[i + 2] is >= '0' and <= '7' && field[i + 3] is >= '0' and <= '7')
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }
        return sb.ToString();
    }
}
