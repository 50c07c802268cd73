using System.Globalization;
using Jaula.Linux;

namespace Jaula.Runtime.Exec;

/// <summary>
/// Puts an exec'd process into the cgroups of the container's init, in every hierarchy: read from
/// /proc/&lt;init&gt;/cgroup and the cgroup mounts of /proc/self/mountinfo, so it works whatever made the cgroups.
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
        var ours = ReadCgroups(Environment.ProcessId);
        foreach (var (controllers, path) in ReadCgroups(initPid))
        {
            // A cgroup the container shares with us is not the container's to subdivide either.
            if (ours.TryGetValue(controllers, out string? ourPath) && ourPath == path)
                continue;
            string? mount = MountPointOf(controllers);
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

    /// <summary>"4:memory:/a/b" lines keyed by their controller list ("" for cgroup v2).</summary>
    private static Dictionary<string, string> ReadCgroups(int pid)
    {
        var result = new Dictionary<string, string>();
        foreach (string line in File.ReadAllLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cgroup"))
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length == 3)
                result[parts[1]] = parts[2];
        }
        return result;
    }

    /// <summary>The mount of a hierarchy: cgroup2 for "", else the v1 mount whose options hold every listed controller.</summary>
    private static string? MountPointOf(string controllers)
    {
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 5 || dash + 3 >= f.Length)
                continue;
            string type = f[dash + 1];
            if (controllers.Length == 0 && type == "cgroup2")
                return f[4];
            if (controllers.Length > 0 && type == "cgroup")
            {
                string[] options = f[dash + 3].Split(',');
                if (controllers.Split(',').All(options.Contains))
                    return f[4];
            }
        }
        return null;
    }
}
