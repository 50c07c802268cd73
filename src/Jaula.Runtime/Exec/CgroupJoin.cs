using System.Globalization;
using Jaula.Cgroups;
using Jaula.Linux;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Runtime.Exec;

/// <summary>
/// Puts an exec'd process into the cgroups of the container's init, in every hierarchy: read from
/// /proc/&lt;init&gt;/cgroup and the host's cgroup layout, so it works whatever made the cgroups (named v1
/// hierarchies such as name=systemd are not managed by jaula and are left alone).
/// Hierarchies where the init shares our own cgroup are skipped: the new process is already there by inheritance
/// (and some of ours, like this machine's memory cgroup, are not ours to write).
/// As for create, the process enters them by itself (<see cref="CgroupEntry"/>, opened before clone by
/// <see cref="Open"/>); <see cref="Join"/> writes cgroup.procs from the parent instead, for an exec whose
/// execCPUAffinity.initial must be applied before the process moves into the container's cgroup (config.md).
/// </summary>
public static class CgroupJoin
{
    /// <summary>
    /// Before clone: the init's cgroup2 directory (for CLONE_INTO_CGROUP) and its v1 `tasks` files; null when there are
    /// more v1 hierarchies than the stage takes (then <see cref="Join"/> after clone).
    /// </summary>
    /// <param name="subCgroup">exec --cgroup: a cgroup below the container's, relative, without "..".</param>
    public static CgroupEntry? Open(int initPid, string? subCgroup)
    {
        var targets = Targets(initPid, subCgroup);
        try
        {
            return CgroupEntry.Open(targets);
        }
        catch (ErrnoException e)
        {
            throw new JaulaException($"cannot join the container's cgroup {Path.GetDirectoryName(e.Path) ?? e.Path}: {e.Message}", e);
        }
    }

    /// <summary>After clone: where clone3 refused CLONE_INTO_CGROUP, the parent moves the process into the cgroup2 directory.</summary>
    public static void Finish(CgroupEntry entry, int pid, CgroupBirth birth)
    {
        if (entry.DirectoryPath is { } dir && !birth.Inside)
            Do(dir, () => Sys.WriteFile(Path.Join(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>After clone, from the parent: cgroup.procs in every hierarchy.</summary>
    public static void Join(int pid, int initPid, string? subCgroup)
    {
        foreach (var (_, dir) in Targets(initPid, subCgroup))
            Do(dir, () => Sys.WriteFile(Path.Join(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The init's cgroup directory in each hierarchy we do not share with it, keyed by its controllers ("" for cgroup2).</summary>
    private static List<(string Controllers, string Dir)> Targets(int initPid, string? subCgroup)
    {
        if (subCgroup is not null && (subCgroup.StartsWith('/') || subCgroup.Split('/').Contains("..")))
            throw JaulaException.ForField("--cgroup", $"\"{subCgroup}\" must be a relative path below the container's cgroup");
        var layout = CgroupLayout.DetectHost();
        var ours = OwnCgroups.ReadSelf().ByControllers;
        var targets = new List<(string, string)>();
        foreach (var (controllers, path) in OwnCgroups.ReadOf(initPid).ByControllers)
        {
            // A cgroup the container shares with us is not the container's to subdivide either.
            if (ours.TryGetValue(controllers, out string? ourPath) && ourPath == path)
                continue;
            string? mount = MountPointOf(layout, controllers);
            if (mount is null)
                continue; // a hierarchy not mounted here (e.g. a named one): nothing to write
            targets.Add((controllers, Path.Join(mount, path, subCgroup ?? "")));
        }
        return targets;
    }

    private static T Do<T>(string dir, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ErrnoException e)
        {
            throw new JaulaException($"cannot join the container's cgroup {dir}: {e.Message}", e);
        }
    }

    private static void Do(string dir, Action action) => Do(dir, () =>
    {
        action();
        return 0;
    });

    /// <summary>The mount of a hierarchy: cgroup2 for "", else the v1 mount holding exactly these controllers.</summary>
    private static string? MountPointOf(CgroupLayout layout, string controllers)
    {
        if (controllers.Length == 0)
            return layout.UnifiedMountPoint;
        var wanted = controllers.Split(',');
        return layout.V1.FirstOrDefault(h => h.Controllers.Count == wanted.Length && wanted.All(h.Controllers.Contains))?.MountPoint;
    }
}
