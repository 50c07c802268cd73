using System.Globalization;

namespace Jaula.Linux;

/// <summary>Reads process information from /proc.</summary>
public static class ProcFs
{
    /// <summary>starttime is field 22 of /proc/pid/stat; state (field 3) is the first after the command name.</summary>
    private const int StartTimeAfterComm = 22 - 3;

    /// <summary>The stat line of <paramref name="pid"/>, or null when there is no such process.</summary>
    public static ProcStat? ReadStat(int pid)
    {
        string path = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        string text;
        try
        {
            text = ReadSmallFile(path);
        }
        catch (ErrnoException e) when (e.Errno is Errno.ENOENT or Errno.ESRCH)
        {
            return null; // ESRCH: the process exited between open and read
        }
        return ParseStat(text) ?? throw new InvalidDataException($"{path}: unexpected format");
    }

    /// <summary>Reads a /proc file through the raw syscalls, so a vanished process shows up as its errno.</summary>
    private static string ReadSmallFile(string path)
    {
        using var fd = Sys.Open(path, OpenFlags.ReadOnly | OpenFlags.CloExec);
        var buffer = new byte[1024];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            int n = Sys.Read(fd, buffer.AsSpan(length));
            if (n == 0)
                return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
            length += n;
        }
    }

    /// <summary>
    /// Parses a /proc/pid/stat line. The command name sits in parentheses and may itself contain spaces and ')',
    /// so the fields after it are found from the LAST ')'. Null when the text is not a stat line.
    /// </summary>
    public static ProcStat? ParseStat(string text)
    {
        int open = text.IndexOf('(');
        int close = text.LastIndexOf(')');
        if (open <= 0 || close < open)
            return null;
        if (!int.TryParse(text.AsSpan(0, open).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            return null;
        string[] fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length <= StartTimeAfterComm || fields[0].Length != 1)
            return null;
        if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int ppid)
            || !ulong.TryParse(fields[StartTimeAfterComm], NumberStyles.None, CultureInfo.InvariantCulture, out ulong start))
            return null;
        return new ProcStat(pid, fields[0][0], ppid, start);
    }

    /// <summary>
    /// The inode of /proc/<paramref name="pid"/>/ns/<paramref name="nsName"/> ("pid", "mnt", ...), which identifies
    /// the namespace; null when the process is gone or its namespaces may not be looked at.
    /// </summary>
    /// <summary>The pid a pidfd refers to, in our pid namespace (fdinfo translates it); -1 once the process is gone.</summary>
    public static int PidOfPidfd(SafeFd pidfd)
    {
        foreach (string line in File.ReadLines($"/proc/self/fdinfo/{pidfd.Value}"))
        {
            if (line.StartsWith("Pid:", StringComparison.Ordinal))
                return int.Parse(line.AsSpan(4).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidDataException($"/proc/self/fdinfo/{pidfd.Value}: not a pidfd (no Pid: line)");
    }

    public static ulong? ReadNamespaceInode(int pid, string nsName)
    {
        try
        {
            return Sys.Stat($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/{nsName}").Ino;
        }
        catch (ErrnoException e) when (e.Errno is Errno.ENOENT or Errno.ESRCH or Errno.EACCES or Errno.EPERM)
        {
            return null;
        }
    }

    /// <summary>The pids in /proc: a snapshot that may include processes that have exited since.</summary>
    public static IEnumerable<int> ListPids()
    {
        foreach (string path in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                yield return pid;
        }
    }
}
