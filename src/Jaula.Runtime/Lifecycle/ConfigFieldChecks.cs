using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// Fields this host or build cannot honour, refused by the parent before anything is created, each naming the field
/// and the reason: sysctls that are not namespaced (they would change the host), Intel RDT where resctrl is not mounted.
/// </summary>
public static class ConfigFieldChecks
{
    /// <summary>The sysctls of one namespace (runc's list): a key, or a prefix ending in '.'.</summary>
    private static readonly (string Prefix, string Namespace)[] NamespacedSysctls =
    [
        ("kernel.msgmax", "ipc"), ("kernel.msgmnb", "ipc"), ("kernel.msgmni", "ipc"), ("kernel.sem", "ipc"),
        ("kernel.shmall", "ipc"), ("kernel.shmmax", "ipc"), ("kernel.shmmni", "ipc"), ("kernel.shm_rmid_forced", "ipc"),
        ("fs.mqueue.", "ipc"), ("net.", "network"), ("kernel.domainname", "uts"), ("kernel.hostname", "uts"),
    ];

    public static void Check(Spec spec)
    {
        CheckSysctls(spec);
        ContainerResctrl.CheckAvailable(spec);
    }

    private static void CheckSysctls(Spec spec)
    {
        foreach (string key in spec.Linux?.Sysctl?.Keys ?? Enumerable.Empty<string>())
        {
            string field = $"linux.sysctl[\"{key}\"]";
            string dotted = key.Contains('/') ? key.Replace('/', '.') : key;
            var match = NamespacedSysctls.FirstOrDefault(s => s.Prefix.EndsWith('.') ? dotted.StartsWith(s.Prefix, StringComparison.Ordinal) : dotted == s.Prefix);
            if (match.Prefix is null)
                throw JaulaException.ForField(field, "is not a namespaced sysctl: setting it would change the host for every process (allowed: net.*, fs.mqueue.*, kernel.msg*/sem/shm* with an ipc namespace, kernel.domainname/hostname with a uts namespace)");
            if (!HasOwnNamespace(spec, match.Namespace))
                throw JaulaException.ForField(field, $"needs the container's own {match.Namespace} namespace (add {{\"type\": \"{match.Namespace}\"}} to linux.namespaces): in the host's it would change the host");
        }
    }

    /// <summary>A new namespace, or one joined by path that is not the runtime's own.</summary>
    private static bool HasOwnNamespace(Spec spec, string type)
    {
        var entry = spec.Linux?.Namespaces?.FirstOrDefault(n => n.Type == type);
        if (entry is null)
            return false;
        if (string.IsNullOrEmpty(entry.Path))
            return true;
        string procName = type switch { "network" => "net", "mount" => "mnt", _ => type };
        return !(Sys.TryStat(entry.Path, out var joined) && Sys.TryStat($"/proc/self/ns/{procName}", out var own)
            && joined.Dev == own.Dev && joined.Ino == own.Ino);
    }
}
