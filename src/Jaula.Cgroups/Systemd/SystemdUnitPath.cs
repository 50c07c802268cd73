namespace Jaula.Cgroups.Systemd;

/// <summary>
/// linux.cgroupsPath under the systemd driver, in runc's "slice:prefix:name" form: the parent slice (empty means
/// system.slice), and the unit — a scope "prefix-name.scope", or the slice itself when name ends in ".slice". An
/// empty cgroupsPath is "system.slice:jaula:&lt;container id&gt;".
/// </summary>
public sealed record SystemdUnitPath(string Slice, string Unit)
{
    public const string Field = CgroupPathResolver.Field;
    public const string DefaultSlice = "system.slice";
    public const string DefaultPrefix = "jaula";

    public bool IsSlice => Unit.EndsWith(".slice", StringComparison.Ordinal);

    /// <summary>The unit's cgroup below the cgroup2 root ("/system.slice/jaula-c1.scope").</summary>
    public string CgroupPath => IsSlice ? ExpandSlice(Unit) : ExpandSlice(Slice).TrimEnd('/') + "/" + Unit;

    public static SystemdUnitPath Parse(string? cgroupsPath, string containerId)
    {
        if (string.IsNullOrEmpty(cgroupsPath))
            return new SystemdUnitPath(DefaultSlice, Scope(DefaultPrefix, containerId));
        string[] parts = cgroupsPath.Split(':');
        if (parts.Length != 3)
            throw new CgroupException($"{Field}: \"{cgroupsPath}\" is not of the form \"slice:prefix:name\" that the systemd cgroup driver needs (e.g. \"system.slice:jaula:{containerId}\")");
        string slice = parts[0].Length == 0 ? DefaultSlice : parts[0];
        string name = parts[2].Length == 0 ? containerId : parts[2];
        if (!slice.EndsWith(".slice", StringComparison.Ordinal))
            throw new CgroupException($"{Field}: \"{cgroupsPath}\": the slice \"{slice}\" does not end in \".slice\"");
        ExpandSlice(slice, cgroupsPath);
        var unit = new SystemdUnitPath(slice, name.EndsWith(".slice", StringComparison.Ordinal) ? name : Scope(parts[1], name));
        CheckUnitName(unit.Unit, cgroupsPath);
        if (unit.IsSlice)
            ExpandSlice(unit.Unit, cgroupsPath);
        return unit;
    }

    private static string Scope(string prefix, string name) => prefix.Length == 0 ? $"{name}.scope" : $"{prefix}-{name}.scope";

    /// <summary>systemd's unit name characters: ASCII letters, digits and ":-_.\@", at most 255 bytes.</summary>
    private static void CheckUnitName(string unit, string cgroupsPath)
    {
        if (unit.Length > 255 || !unit.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or ':' or '-' or '_' or '.' or '\\' or '@'))
            throw new CgroupException($"{Field}: \"{cgroupsPath}\": \"{unit}\" is not a valid systemd unit name (letters, digits and \":-_.\\@\" only)");
    }

    /// <summary>
    /// A slice's cgroup: each dash opens a level, so "a-b.slice" is /a.slice/a-b.slice; "-.slice" is the root.
    /// </summary>
    public static string ExpandSlice(string slice, string? cgroupsPath = null)
    {
        string what = cgroupsPath is null ? $"slice \"{slice}\"" : $"\"{cgroupsPath}\": slice \"{slice}\"";
        if (!slice.EndsWith(".slice", StringComparison.Ordinal) || slice.Contains('/'))
            throw new CgroupException($"{Field}: {what} is not a slice name");
        string name = slice[..^".slice".Length];
        if (name == "-")
            return "/";
        string path = "", prefix = "";
        foreach (string component in name.Split('-'))
        {
            if (component.Length == 0)
                throw new CgroupException($"{Field}: {what} has an empty component (a leading, trailing or doubled \"-\")");
            path += $"/{prefix}{component}.slice";
            prefix += component + "-";
        }
        return path;
    }
}
