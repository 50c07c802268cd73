using System.Globalization;
using System.Runtime.InteropServices;
using Jaula.Linux;

namespace Jaula.Cgroups;

/// <summary>Reading and writing the files of one cgroup directory; every failure names the file, the value and the errno text.</summary>
public static class CgroupFile
{
    public static void Write(string dir, string file, string value, string field)
    {
        string path = Path.Combine(dir, file);
        try
        {
            // One write(2) of the line, as `echo value >> file` does. O_APPEND changes nothing on cgroupfs, and in a
            // plain directory standing in for a cgroup (unit tests) it keeps every write, in order.
            using var fd = Sys.Open(path, OpenFlags.WriteOnly | OpenFlags.Append | OpenFlags.CloExec);
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(value + "\n");
            if (Sys.Write(fd, bytes) != bytes.Length)
                throw new ErrnoException("write", path, Errno.EIO);
        }
        catch (ErrnoException e)
        {
            string cause = e.Errno == Errno.ENOENT && !File.Exists(path)
                ? "No such file or directory (the kernel does not offer this setting here)"
                : Marshal.GetPInvokeErrorMessage(e.Errno);
            throw new CgroupException($"{field}: write \"{value.TrimEnd('\n')}\" to {path}: {cause}", e);
        }
    }

    public static bool Exists(string dir, string file) => File.Exists(Path.Combine(dir, file));

    /// <summary>The file's text, or null when it does not exist.</summary>
    public static string? TryRead(string dir, string file)
    {
        string path = Path.Combine(dir, file);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A one-value file's value (its last line, trimmed), or null when the file does not exist.</summary>
    public static string? ReadValue(string dir, string file)
    {
        string? text = TryRead(dir, file);
        return text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? text;
    }

    /// <summary>A single number; "max" reads as <see cref="ulong.MaxValue"/>, a missing file as 0.</summary>
    public static ulong ReadNumber(string dir, string file) => ParseNumber(ReadValue(dir, file) ?? "0");

    public static ulong ParseNumber(string text) =>
        text == "max" ? ulong.MaxValue : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>"key value" lines (memory.stat, cpu.stat, memory.events, freezer-style files); missing file: empty.</summary>
    public static Dictionary<string, ulong> ReadKeyed(string dir, string file)
    {
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (string line in (TryRead(dir, file) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 2)
                result[f[0]] = ParseNumber(f[1]);
        }
        return result;
    }

    /// <summary>The pids of cgroup.procs in <paramref name="dir"/> and every cgroup below it.</summary>
    public static List<int> ReadPidsRecursive(string dir)
    {
        var pids = new List<int>();
        if (!Directory.Exists(dir))
            return pids;
        foreach (string line in (TryRead(dir, "cgroup.procs") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                pids.Add(pid);
        }
        foreach (string child in Directory.EnumerateDirectories(dir))
            pids.AddRange(ReadPidsRecursive(child));
        return pids;
    }

    public static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Num(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
