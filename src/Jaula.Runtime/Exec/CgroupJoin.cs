using System.Globalization;
using Jaula.Cgroups;
using Jaula.Linux;

namespace Jaula.Runtime.Exec;

/// <summary>
/// Puts an exec'd process into the cgroups of the container's init, in every hierarchy: read from
/// /proc/&lt;init&gt;/cgroup and the host's cgroup layout, so it works whatever made the cgroups (named v1
/// hierarchies such as name=systemd are not managed by jaula and are left alone).
/// Hierarchies where the init shares our own cgroup are skipped: the new process is already there by inheritance
/// (and some of ours, like this machine's memory cgroup, are not ours to write).
/// </summary>
public static class CgroupJoin
{
    /// <param name="subCgroup">exec --cgroup: a cgroup below the container's, relative, without "..".</param>
    public static void Join(int pid, int initPid, string? subCgroup)
    {
        if (subCgroup is not null && (subCgroup.StartsWith('/') || subCgroup.Split('/').Contains("..")))
            throw JaulaException.ForField("--cgroup", $"\"{subCgroup}\" must be a relative path below the container's cgroup");
        var layout = CgroupLayout.DetectHost();
        var ours = OwnCgroups.ReadSelf().ByControllers;
        foreach (var (controllers, path) in OwnCgroups.ReadOf(initPid).ByControllers)
        {
            // A cgroup the container shares with us is not the container's to subdivide either.
            if (ours.TryGetValue(controllers, out string? ourPath) && ourPath == path)
                continue;
            string? mount = MountPointOf(layout, controllers);
            if (mount is null)
                continue; // a hierarchy not mounted here (e.g. a named one): nothing to write
            string dir = Path.Join(mount, path, subCgroup ?? "");
            try
            {
                Sys.WriteFile(Path.Join(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            }
            catch (ErrnoException e)
            {
                throw new JaulaException($"cannot join the container's cgroup {dir}: {e.Message}", e);
            }
        }
    }

    /// <summary>The mount of a hierarchy: cgroup2 for "", else the v1 mount holding exactly these controllers.</summary>
    private static string? MountPointOf(CgroupLayout layout, string controllers)
    {
        if (controllers.Length == 0)
            return layout.UnifiedMountPoint;
        var wanted = controllers.Split(',');
        return layout.V1.FirstOrDefault(h => h.Controllers.Count == wanted.Length && wanted.All(h.Controllers.Contains))?.MountPoint;
    }
}
