using Jaula.Linux;

namespace Jaula.Sandbox.Process;

/// <summary>linux.sysctl: each key is written under /proc/sys, inside the container's namespaces.</summary>
public static class KernelParameters
{
    public static void Apply(IReadOnlyDictionary<string, string>? sysctl)
    {
        foreach (var (key, value) in sysctl ?? new Dictionary<string, string>())
        {
            string field = $"linux.sysctl[\"{key}\"]";
            if (key.Length == 0 || key.Contains("..") || key.Contains('/') && key.Contains('.'))
                throw new ContainerSetupException(field, "not a sysctl name (use dotted names like net.ipv4.ip_forward)");
            string relative = "sys/" + key.Replace('.', '/');
            string path = "/proc/" + relative;
            try
            {
                ProcfsFile.Write(relative, value);
            }
            catch (ErrnoException e) when (e.Errno == Errno.ENOENT)
            {
                throw new ContainerSetupException(field, $"unknown sysctl: this kernel has no {path}", e);
            }
            catch (ErrnoException e) when (e.Errno is Errno.EXDEV or Errno.ELOOP)
            {
                throw new ContainerSetupException(field, $"{path} is covered by a mount or reached through a link; jaula writes sysctls only into procfs itself ({e.Message})", e);
            }
            catch (ErrnoException e)
            {
                throw new ContainerSetupException(field, $"{e.Message} (only namespaced sysctls can be set, and their namespace must be the container's own)", e);
            }
        }
    }
}
