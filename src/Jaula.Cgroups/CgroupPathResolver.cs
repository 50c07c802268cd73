namespace Jaula.Cgroups;

/// <summary>
/// Where a container's cgroup lives inside a hierarchy, as runc's fs driver decides: an absolute linux.cgroupsPath is
/// taken as given under the hierarchy's root; a relative one, and an empty one (which means the container id), is
/// below the cgroup this process itself is in for that hierarchy (/proc/self/cgroup).
/// </summary>
public static class CgroupPathResolver
{
    public const string Field = "linux.cgroupsPath";

    /// <summary>The cgroup path inside a hierarchy, "/"-rooted and normalised (e.g. "/jaula-it/c1").</summary>
    public static string Inner(string? cgroupsPath, string containerId, string ownPath)
    {
        string wanted = string.IsNullOrEmpty(cgroupsPath) ? containerId : cgroupsPath;
        Validate(wanted);
        string joined = wanted.StartsWith('/') ? wanted : $"{ownPath.TrimEnd('/')}/{wanted}";
        string normal = "/" + string.Join('/', joined.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));
        if (normal == "/")
            throw new CgroupException($"{Field}: \"{cgroupsPath}\" names the root cgroup; a container needs a cgroup of its own");
        return normal;
    }

    /// <summary>The directory of <paramref name="inner"/> under a hierarchy mounted at <paramref name="mountPoint"/>.</summary>
    public static string Under(string mountPoint, string inner) => mountPoint.TrimEnd('/') + inner;

    private static void Validate(string path)
    {
        if (path.Contains('\0'))
            throw new CgroupException($"{Field}: contains a NUL byte");
        if (path.Split('/').Any(p => p == ".."))
            throw new CgroupException($"{Field}: \"{path}\" contains \"..\"; a cgroup path may not climb out of its hierarchy");
    }
}

/// <summary>The lines of /proc/&lt;pid&gt;/cgroup: "hierarchy-id:controllers:path" (controllers empty for cgroup v2).</summary>
public sealed class OwnCgroups
{
    private readonly Dictionary<string, string> _byControllers;

    private OwnCgroups(Dictionary<string, string> byControllers) => _byControllers = byControllers;

    public static OwnCgroups ReadSelf() => Parse(File.ReadAllLines("/proc/self/cgroup"));

    public static OwnCgroups ReadOf(int pid) =>
        Parse(File.ReadAllLines($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/cgroup"));

    /// <summary>Every hierarchy's path, keyed by its controller list as the file spells it.</summary>
    public IReadOnlyDictionary<string, string> ByControllers => _byControllers;

    public static OwnCgroups Parse(IEnumerable<string> lines)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            string[] p = line.Split(':', 3);
            if (p.Length == 3)
                map[p[1]] = p[2];
        }
        return new OwnCgroups(map);
    }

    /// <summary>Our path in the hierarchy holding exactly these controllers ("" for cgroup v2); "/" when unknown.</summary>
    public string PathOf(string hierarchyKey)
    {
        if (_byControllers.TryGetValue(hierarchyKey, out var path))
            return path;
        var wanted = hierarchyKey.Split(',').Order().ToArray();
        foreach (var (key, value) in _byControllers)
        {
            if (key.Split(',').Order().SequenceEqual(wanted))
                return value;
        }
        return "/";
    }
}
