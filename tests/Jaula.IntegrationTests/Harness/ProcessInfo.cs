namespace Jaula.IntegrationTests.Harness;

/// <summary>The few fields of /proc/&lt;pid&gt;/stat the leak checks need.</summary>
public sealed record ProcessInfo(int Pid, char State, int ParentPid)
{
    public bool IsZombie => State is 'Z' or 'X';

    public static ProcessInfo? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // comm may contain spaces and parentheses: the fields after it start past the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        string[] rest = text[(close + 2)..].Split(' ');
        return new ProcessInfo(pid, rest[0][0], int.Parse(rest[1]));
    }

    /// <summary>
    /// A live process's thread count, minor page faults and address-space size in kB (how the route tests tell a
    /// process that started the .NET runtime, whose GC reserves gigabytes of address space, from the C routes').
    /// </summary>
    public static (int Threads, long MinorFaults, long VmSizeKb) Load(int pid)
    {
        string[] status = File.ReadAllText($"/proc/{pid}/status").Split('\n');
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        int threads = int.Parse(StatusField(status, "Threads:"), System.Globalization.CultureInfo.InvariantCulture);
        long vmSize = long.Parse(StatusField(status, "VmSize:").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        // field 10, minflt: the 8th after "(comm)"
        long faults = long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
        return (threads, faults, vmSize);
    }

    private static string StatusField(string[] status, string name) =>
        status.Single(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim();

    public static IEnumerable<ProcessInfo> All()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid) && Read(pid) is { } info)
            {
                yield return info;
            }
        }
    }

    /// <summary>The pid namespace a process lives in, e.g. "pid:[4026532301]"; null once it is gone.</summary>
    public static string? PidNamespace(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/pid").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
