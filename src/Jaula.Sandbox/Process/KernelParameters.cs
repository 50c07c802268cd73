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
            string path = "/proc/sys/" + key.Replace('.', '/');
            try
            {
                File.WriteAllText(path, value);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ContainerSetupException(field, $"writing {path}: {e.Message} (is the sysctl namespaced, and its namespace private?)", e);
            }
        }
    }
}
