using System.Globalization;
using System.Runtime.InteropServices;
using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Cgroups.Resctrl;

/// <summary>
/// linux.intelRdt through resctrl, under the mount at <paramref name="root"/> (a temp dir in unit tests), as
/// config-linux.md asks: the group is closID ("/" = the root group) or the container id; l3CacheSchema, memBwSchema,
/// then schemata are written to its schemata file, or, for a closID group that exists already, compared with it;
/// a closID without any schema must name an existing group; the pid goes to tasks; enableMonitoring adds a MON group
/// mon_groups/&lt;id&gt; holding the pid too. Only a group jaula made for a container without closID is removed at
/// delete; the MON group always is.
/// </summary>
/// <param name="root">The resctrl mount.</param>
/// <param name="afterMkdir">
/// Called with each directory jaula made: mkdir in a plain directory (unit tests) makes no interface files, so a
/// test lays out those the kernel would (schemata, tasks, mon_groups).
/// </param>
public sealed class ResctrlGroups(string root, Action<string>? afterMkdir = null)
{
    private const string Field = "linux.intelRdt";
    private const long ResctrlSuperMagic = 0x7655821;

    public ResctrlRecord Apply(IntelRdtSpec rdt, string containerId, int pid)
    {
        CheckSupport(rdt);
        var lines = SchemaLines(rdt);
        string group = rdt.ClosId switch { null => Path.Combine(root, containerId), "/" => root, string c => Path.Combine(root, c) };
        bool created = false;
        string? mon = null;
        try
        {
            if (rdt.ClosId is not null && Directory.Exists(group))
            {
                if (lines.Count > 0)
                    CompareSchemata(group, lines);
            }
            else if (rdt.ClosId is not null && lines.Count == 0)
            {
                throw new ResctrlException($"{Field}.closID: the resctrl group {group} does not exist (a closID without l3CacheSchema, memBwSchema or schemata must name a pre-configured group)");
            }
            else
            {
                created = MakeDirectory(group, $"{Field}.closID");
                foreach (var (line, field) in lines)
                    Write(group, "schemata", line, field);
            }
            Write(group, "tasks", pid.ToString(CultureInfo.InvariantCulture), Field);
            if (rdt.EnableMonitoring == true)
            {
                mon = Path.Combine(group, "mon_groups", containerId);
                MakeDirectory(mon, $"{Field}.enableMonitoring");
                Write(mon, "tasks", pid.ToString(CultureInfo.InvariantCulture), $"{Field}.enableMonitoring");
            }
            return new ResctrlRecord { Group = group, RemoveGroup = created && rdt.ClosId is null, MonGroup = mon };
        }
        catch
        {
            TryRemove(mon);
            if (created)
                TryRemove(group);
            throw;
        }
    }

    /// <summary>Adds another process (an exec'd one: not a child of the init) to the container's groups.</summary>
    public static void AddProcess(ResctrlRecord record, int pid)
    {
        string text = pid.ToString(CultureInfo.InvariantCulture);
        Write(record.Group, "tasks", text, Field);
        if (record.MonGroup is not null)
            Write(record.MonGroup, "tasks", text, $"{Field}.enableMonitoring");
    }

    /// <summary>Removes the MON group and a group made for the container (the kernel moves any task left to the root group).</summary>
    public static void Remove(ResctrlRecord record)
    {
        Rmdir(record.MonGroup);
        if (record.RemoveGroup)
            Rmdir(record.Group);
    }

    /// <summary>The kernel shows info/L3 with cache allocation, info/MB with bandwidth allocation, info/L3_MON with monitoring.</summary>
    private void CheckSupport(IntelRdtSpec rdt)
    {
        if (rdt.L3CacheSchema is not null && !Directory.Exists(Path.Combine(root, "info", "L3")))
            throw new ResctrlException($"{Field}.l3CacheSchema: this host's resctrl ({root}) has no L3 cache allocation (no info/L3: the CPU lacks CAT or it is disabled)");
        if (rdt.MemBwSchema is not null && !Directory.Exists(Path.Combine(root, "info", "MB")))
            throw new ResctrlException($"{Field}.memBwSchema: this host's resctrl ({root}) has no memory bandwidth allocation (no info/MB: the CPU lacks MBA or it is disabled)");
        if (rdt.EnableMonitoring == true && !Directory.Exists(Path.Combine(root, "info", "L3_MON")))
            throw new ResctrlException($"{Field}.enableMonitoring: this host's resctrl ({root}) has no monitoring (no info/L3_MON: the CPU lacks CMT/MBM or it is disabled)");
    }

    /// <summary>l3CacheSchema first, memBwSchema next, the schemata lines last (config-linux.md's order).</summary>
    private static List<(string Line, string Field)> SchemaLines(IntelRdtSpec rdt)
    {
        var lines = new List<(string, string)>();
        if (rdt.L3CacheSchema is { Length: > 0 } l3)
            lines.Add((l3, $"{Field}.l3CacheSchema"));
        if (rdt.MemBwSchema is { Length: > 0 } mb)
            lines.Add((mb, $"{Field}.memBwSchema"));
        for (int i = 0; i < (rdt.Schemata?.Count ?? 0); i++)
        {
            if (rdt.Schemata![i] is { Length: > 0 } line)
                lines.Add((line, $"{Field}.schemata[{i}]"));
        }
        return lines;
    }

    /// <summary>
    /// An existing closID group is not rewritten: each wanted line must match the group's current line for that
    /// resource, domain by domain (the kernel pads the text and prints bitmasks in its own width, so values are compared as numbers).
    /// </summary>
    private static void CompareSchemata(string group, List<(string Line, string Field)> lines)
    {
        string path = Path.Combine(group, "schemata");
        string current = ReadText(path);
        var existing = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        foreach (string raw in current.Split('\n'))
        {
            if (Parse(raw) is { } parsed)
                existing[parsed.Resource] = parsed.Domains;
        }
        foreach (var (line, field) in lines)
        {
            var wanted = Parse(line) ?? throw new ResctrlException($"{field}: \"{line}\" is not a schemata line (RESOURCE:id=value;id=value)");
            if (!existing.TryGetValue(wanted.Resource, out var have)
                || wanted.Domains.Any(d => !have.TryGetValue(d.Key, out string? v) || v != d.Value))
            {
                throw new ResctrlException($"{field}: \"{line}\" does not match the existing group's {path} (\"{current.Trim().ReplaceLineEndings("; ")}\"); a closID group that exists is not rewritten");
            }
        }
    }

    private static (string Resource, Dictionary<string, string> Domains)? Parse(string line)
    {
        int colon = line.IndexOf(':');
        if (colon <= 0)
            return null;
        var domains = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in line[(colon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
                return null;
            string value = part[(eq + 1)..].Trim();
            domains[part[..eq].Trim()] = ulong.TryParse(value, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong n)
                ? n.ToString(CultureInfo.InvariantCulture)
                : value;
        }
        return (line[..colon].Trim(), domains);
    }

    /// <summary>True when this call made the directory, false when it was there.</summary>
    private bool MakeDirectory(string path, string field)
    {
        try
        {
            Sys.Mkdir(path, 493); // 0755
            afterMkdir?.Invoke(path);
            return true;
        }
        catch (ErrnoException e) when (e.Errno == Errno.EEXIST)
        {
            return false;
        }
        catch (ErrnoException e)
        {
            string why = e.Errno == Errno.ENOSPC ? " (no free CLOSID or RMID left on this CPU)" : "";
            throw new ResctrlException($"{field}: mkdir {path}: {Marshal.GetPInvokeErrorMessage(e.Errno)}{why}", e);
        }
    }

    private static void Write(string dir, string file, string value, string field)
    {
        string path = Path.Combine(dir, file);
        try
        {
            // One write(2) per line: the kernel parses each write of schemata as whole lines.
            using var fd = Sys.Open(path, OpenFlags.WriteOnly | OpenFlags.Append | OpenFlags.CloExec);
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(value + "\n");
            if (Sys.Write(fd, bytes) != bytes.Length)
                throw new ErrnoException("write", path, Errno.EIO);
        }
        catch (ErrnoException e)
        {
            string status = e.Errno == Errno.EINVAL ? LastCommandStatus(dir) : "";
            throw new ResctrlException($"{field}: write \"{value}\" to {path}: {Marshal.GetPInvokeErrorMessage(e.Errno)}{status}", e);
        }
    }

    /// <summary>resctrl explains a refused write in info/last_cmd_status (a sibling of the groups, under the mount).</summary>
    private static string LastCommandStatus(string dir)
    {
        for (string? d = dir; d is not null; d = Path.GetDirectoryName(d))
        {
            string status = Path.Combine(d, "info", "last_cmd_status");
            if (File.Exists(status))
            {
                try
                {
                    return $" ({File.ReadAllText(status).Trim()})";
                }
                catch (IOException)
                {
                    return "";
                }
            }
        }
        return "";
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ResctrlException($"{Field}: read {path}: {e.Message}", e);
        }
    }

    private static void TryRemove(string? dir)
    {
        try
        {
            Rmdir(dir);
        }
        catch (ResctrlException) { }
    }

    private static void Rmdir(string? dir)
    {
        if (dir is null || !Directory.Exists(dir))
            return;
        try
        {
            Sys.Rmdir(dir);
        }
        catch (ErrnoException e) when (e.Errno == Errno.ENOTEMPTY && Sys.StatfsType(dir) != ResctrlSuperMagic)
        {
            // A plain directory standing in for a resctrl group (unit tests): its interface files are ordinary files.
            Directory.Delete(dir, recursive: true);
        }
        catch (ErrnoException e) when (e.Errno == Errno.ENOENT) { }
        catch (ErrnoException e)
        {
            throw new ResctrlException($"{Field}: remove resctrl group {dir}: {Marshal.GetPInvokeErrorMessage(e.Errno)}", e);
        }
    }
}
