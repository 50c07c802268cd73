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
        Check(resource, soft, hard, field);
        try
        {
            Sys.SetRlimit(resource, soft, hard);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException(field, DescribeFailure(resource, hard, e.Errno), e);
        }
    }

    /// <summary>What is refused before any system call: a soft limit above the hard one.</summary>
    public static void Check(int resource, ulong soft, ulong hard, string field)
    {
        if (soft > hard)
            throw new ContainerSetupException(field, $"{RlimitNames.Name(resource)} soft limit {Text(soft)} is above its hard limit {Text(hard)}");
    }

    /// <summary>
    /// The message for a setrlimit (prlimit on self) that failed with <paramref name="errno"/>; for EPERM it reads the
    /// calling process's limits and bounding set, so call it in the process that was refused.
    /// </summary>
    public static string DescribeFailure(int resource, ulong hard, int errno)
    {
        string name = RlimitNames.Name(resource);
        return errno == Errno.EPERM
            ? $"{name} {ExplainRefusal(resource, hard)}"
            : $"{name}: {new ErrnoException("setrlimit", $"resource {resource}", errno).Message}";
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
