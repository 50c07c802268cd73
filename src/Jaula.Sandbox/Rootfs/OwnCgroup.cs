namespace Jaula.Sandbox.Rootfs;

/// <summary>One line of /proc/self/cgroup: "hierarchy-id:controllers:path".</summary>
public sealed record OwnCgroup(string Controllers, string Path)
{
    public static IReadOnlyList<OwnCgroup> Parse(IEnumerable<string> lines) =>
        lines.Select(l => l.Split(':', 3)).Where(p => p.Length == 3).Select(p => new OwnCgroup(p[1], p[2])).ToList();

    /// <summary>v2 has no controllers in /proc/self/cgroup; a v1 line matches the mount whose options list its controllers.</summary>
    public bool Matches(MountInfo mount)
    {
        if (Controllers.Length == 0)
            return mount.FsType == "cgroup2";
        if (mount.FsType != "cgroup")
            return false;
        var options = mount.SuperOptions.Split(',');
        return Controllers.Split(',').All(c => options.Contains(c));
    }
}
