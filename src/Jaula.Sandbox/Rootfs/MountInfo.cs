namespace Jaula.Sandbox.Rootfs;

/// <summary>One line of /proc/self/mountinfo (proc(5)): the fields jaula needs.</summary>
/// <param name="Id">The mount ID (field 1): unique among the mounts that exist, reused only after an unmount.</param>
public sealed record MountInfo(string Root, string MountPoint, string FsType, string Source, string SuperOptions, int Id = 0)
{
    public static IReadOnlyList<MountInfo> ReadSelf() => Parse(File.ReadAllLines("/proc/self/mountinfo"));

    public static IReadOnlyList<MountInfo> Parse(IEnumerable<string> lines)
    {
        var result = new List<MountInfo>();
        foreach (string line in lines)
        {
            // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 6 || dash + 2 >= f.Length)
                continue;
            string superOptions = dash + 3 < f.Length ? f[dash + 3] : "";
            int.TryParse(f[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id);
            result.Add(new MountInfo(Unescape(f[3]), Unescape(f[4]), f[dash + 1], Unescape(f[dash + 2]), superOptions, id));
        }
        return result;
    }

    /// <summary>The mount that holds <paramref name="path"/>: the longest mount point that is a prefix of it (last wins).</summary>
    public static MountInfo? Containing(IReadOnlyList<MountInfo> mounts, string path)
    {
        MountInfo? best = null;
        foreach (var m in mounts)
        {
            bool contains = m.MountPoint == "/" || path == m.MountPoint || path.StartsWith(m.MountPoint + "/", StringComparison.Ordinal);
            if (contains && (best is null || m.MountPoint.Length >= best.MountPoint.Length))
                best = m;
        }
        return best;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo octal.</summary>
    public static string Unescape(string field)
    {
        if (!field.Contains('\\'))
            return field;
        var sb = new System.Text.StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }
        return sb.ToString();
    }

    private static bool IsOctal(string s, int start) =>
        start + 3 <= s.Length && s[start] is >= '0' and <= '7' && s[start + 1] is >= '0' and <= '7' && s[start + 2] is >= '0' and <= '7';
}
