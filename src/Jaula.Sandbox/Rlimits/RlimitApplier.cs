using System.Globalization;
using Jaula.Linux;
using Jaula.Sandbox.Capabilities;

namespace Jaula.Sandbox.Rlimits;

/// <summary>Sets one process.rlimits entry on this process (the container's process inherits it through execve).</summary>
public static class RlimitApplier
{
    private const int CAP_SYS_RESOURCE = 24;
    private const string NrOpenPath = "/proc/sys/fs/nr_open";

    /// <param name="field">The config field, e.g. "process.rlimits[2]", named in errors.</param>
    public static void Apply(int resource, ulong soft, ulong hard, string field)
    {
        string name = RlimitNames.Name(resource);
        if (soft > hard)
            throw new ContainerSetupException(field, $"{name} soft limit {Text(soft)} is above its hard limit {Text(hard)}");
        try
        {
            Sys.SetRlimit(resource, soft, hard);
        }
        catch (ErrnoException e) when (e.Errno == Errno.EPERM)
        {
            throw new ContainerSetupException(field, $"{name} {ExplainRefusal(resource, hard)}", e);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException(field, $"{name}: {e.Message}", e);
        }
    }

    /// <summary>setrlimit says only EPERM: raising the hard limit needs CAP_SYS_RESOURCE, and NOFILE is capped by fs.nr_open.</summary>
    private static string ExplainRefusal(int resource, ulong hard)
    {
        if (resource == RlimitNames.RLIMIT_NOFILE && ReadNrOpen() is ulong nrOpen && hard > nrOpen)
            return $"hard limit {Text(hard)} is above the kernel's maximum (fs.nr_open = {nrOpen})";
        var (_, currentHard) = Sys.GetRlimit(resource);
        if (hard <= currentHard)
            return $"hard limit {Text(hard)}: setrlimit: {new ErrnoException("setrlimit", null, Errno.EPERM).Message}";
        string lacking = Sys.CapBoundingHas(CAP_SYS_RESOURCE)
            ? "which this process does not hold (a user namespace's does not count)"
            : "which this host does not grant";
        return $"hard limit {Text(hard)} is above the host's hard limit {Text(currentHard)}, and raising it needs "
            + $"{CapabilityNames.Name(CAP_SYS_RESOURCE)}, {lacking}; ask for at most {Text(currentHard)}";
    }

    private static ulong? ReadNrOpen()
    {
        try
        {
            return ulong.TryParse(File.ReadAllText(NrOpenPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
                ? value
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Text(ulong limit) =>
        limit == Sys.Infinity ? "unlimited" : limit.ToString(CultureInfo.InvariantCulture);
}
