namespace Jaula.Runtime.Rootless;

/// <summary>
/// The host files a rootless create consults. Every path is a parameter so tests can lay out a host where something
/// is missing (no subordinate ids, no newuidmap, user namespaces switched off).
/// </summary>
public sealed record RootlessHost(
    string SubUid = "/etc/subuid",
    string SubGid = "/etc/subgid",
    string NewUidMap = "/usr/bin/newuidmap",
    string NewGidMap = "/usr/bin/newgidmap",
    string MaxUserNamespaces = "/proc/sys/user/max_user_namespaces")
{
    public static RootlessHost Real { get; } = new();

    /// <summary>A user namespace can be made at all: max_user_namespaces is not 0.</summary>
    public void CheckUserNamespacesAllowed()
    {
        string? value = File.Exists(MaxUserNamespaces) ? File.ReadAllText(MaxUserNamespaces).Trim() : null;
        if (value == "0")
            throw new JaulaException(
                $"rootless: {MaxUserNamespaces} is 0, so no user namespace can be made (as root: sysctl -w user.max_user_namespaces=15000)");
    }

    /// <summary>The (start, count) ranges /etc/subuid or /etc/subgid grants this user (by name or uid).</summary>
    public static IReadOnlyList<(uint Start, uint Count)> Subordinate(string file, string user, uint id)
    {
        var ranges = new List<(uint, uint)>();
        if (!File.Exists(file))
            return ranges;
        foreach (string line in File.ReadLines(file))
        {
            string[] parts = line.Split(':');
            if (parts.Length == 3 && (parts[0] == user || parts[0] == id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                && uint.TryParse(parts[1], out uint start) && uint.TryParse(parts[2], out uint count) && count > 0)
            {
                ranges.Add((start, count));
            }
        }
        return ranges;
    }
}
