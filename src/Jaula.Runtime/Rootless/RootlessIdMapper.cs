using System.Globalization;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Runtime.Rootless;

/// <summary>
/// Writes a rootless container's ID maps. Mapping only the caller's own uid and gid needs no privilege: the kernel
/// takes it once setgroups is "deny" (user_namespaces(7)). Anything more goes through the setuid helpers
/// newuidmap/newgidmap (Debian's uidmap), which check the ranges against /etc/subuid and /etc/subgid.
/// </summary>
public sealed class RootlessIdMapper(RootlessHost host, uint uid, uint gid, string user)
{
    public static RootlessIdMapper ForCaller(RootlessHost host) =>
        new(host, Sys.GetEuid(), Sys.GetGid(), Environment.UserName);

    public bool IsOwnIdOnly(Spec spec) => OwnOnly(spec.Linux?.UidMappings, uid) && OwnOnly(spec.Linux?.GidMappings, gid);

    /// <summary>Fails before anything is made when the maps cannot be written on this host.</summary>
    public void Check(Spec spec)
    {
        host.CheckUserNamespacesAllowed();
        if (IsOwnIdOnly(spec))
            return;
        CheckHelper(host.NewUidMap, "linux.uidMappings");
        CheckHelper(host.NewGidMap, "linux.gidMappings");
        CheckSubordinate(host.SubUid, uid, "linux.uidMappings");
        CheckSubordinate(host.SubGid, gid, "linux.gidMappings");
    }

    public void Write(int pid, Spec spec)
    {
        var uids = spec.Linux?.UidMappings ?? [];
        var gids = spec.Linux?.GidMappings ?? [];
        if (IsOwnIdOnly(spec))
        {
            // gid_map is refused to an unprivileged writer until setgroups is denied for good.
            Sys.WriteFile($"/proc/{pid}/setgroups", "deny");
            Sys.WriteFile($"/proc/{pid}/uid_map", IdMapWriter.Format(uids));
            Sys.WriteFile($"/proc/{pid}/gid_map", IdMapWriter.Format(gids));
            return;
        }
        RunHelper(host.NewUidMap, pid, uids, "linux.uidMappings");
        RunHelper(host.NewGidMap, pid, gids, "linux.gidMappings");
    }

    private static bool OwnOnly(List<IdMapping>? mappings, uint own) =>
        mappings is [{ Size: 1 } only] && only.HostId == own;

    private static void CheckHelper(string path, string field)
    {
        if (!File.Exists(path))
            throw JaulaException.ForField(field,
                $"rootless: mapping more than your own id needs {path}, which is missing (apt-get install uidmap), or map only your own id (jaula spec --rootless)");
    }

    private void CheckSubordinate(string file, uint own, string field)
    {
        if (RootlessHost.Subordinate(file, user, own).Count == 0)
            throw JaulaException.ForField(field,
                $"rootless: {file} has no entry for {user}, so only your own id can be mapped (as root: usermod --add-subuids/--add-subgids, or map only your own id)");
    }

    private static void RunHelper(string path, int pid, List<IdMapping> mappings, string field)
    {
        var args = new List<string> { pid.ToString(CultureInfo.InvariantCulture) };
        foreach (var m in mappings)
        {
            args.Add(m.ContainerId.ToString(CultureInfo.InvariantCulture));
            args.Add(m.HostId.ToString(CultureInfo.InvariantCulture));
            args.Add(m.Size.ToString(CultureInfo.InvariantCulture));
        }
        HelperOutput run;
        try
        {
            run = HelperProgram.Run(path, args);
        }
        catch (ErrnoException e)
        {
            throw JaulaException.ForField(field, $"rootless: {path} did not start: {e.Message}");
        }
        if (run.Status != 0)
            throw JaulaException.ForField(field,
                $"rootless: {path} exited with status {run.Status}: {run.Stderr.Trim()} (the ranges must lie in your /etc/subuid and /etc/subgid entries)");
    }
}
