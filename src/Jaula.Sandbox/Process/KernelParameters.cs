using Jaula.Linux;

namespace Jaula.Sandbox.Process;

/// <summary>
/// linux.sysctl: each key is written under /proc/sys, inside the container's namespaces. The init's writes are
/// operations of the rootfs plan (<see cref="ProcessPlanCompiler"/>); this names what is refused and words failures.
/// </summary>
public static class KernelParameters
{
    /// <summary>"net.ipv4.ip_forward" -> "sys/net/ipv4/ip_forward" (relative to /proc), or refused naming the field.</summary>
    public static string RelativePath(string key)
    {
        if (key.Length == 0 || key.Contains("..") || key.Contains('/') && key.Contains('.'))
            throw new ContainerSetupException(FieldOf(key), "not a sysctl name (use dotted names like net.ipv4.ip_forward)");
        return "sys/" + key.Replace('.', '/');
    }

    public static string FieldOf(string key) => $"linux.sysctl[\"{key}\"]";

    /// <summary>The user's error for a write of <paramref name="key"/> that failed with <paramref name="e"/>.</summary>
    public static ContainerSetupException Failure(string key, ErrnoException e)
    {
        string field = FieldOf(key);
        string path = "/proc/" + RelativePath(key);
        return e.Errno switch
        {
            Errno.ENOENT => new ContainerSetupException(field, $"unknown sysctl: this kernel has no {path}", e),
            Errno.EXDEV or Errno.ELOOP => new ContainerSetupException(field, $"{path} is covered by a mount or reached through a link; jaula writes sysctls only into procfs itself ({e.Message})", e),
            _ => new ContainerSetupException(field, $"{e.Message} (only namespaced sysctls can be set, and their namespace must be the container's own)", e),
        };
    }
}
