using Jaula.Oci;

namespace Jaula.Cgroups.Resources;

/// <summary>
/// The device list a container's cgroup gets, as runc builds it: deny everything, then linux.resources.devices in
/// order, then the devices every container may use (null, zero, full, tty, random, urandom, the pty devices, tun) and
/// mknod of any device. linux.devices entries get no rule of their own: the config's list decides (runc 1.1 does the
/// same, and the differential suite in conformance/ checks it); without the leading deny, a config with no device
/// list would leave the new cgroup's inherited "a *:* rwm" in place.
/// </summary>
public static class DeviceRules
{
    private static readonly DeviceCgroupRule[] Defaults =
    [
        Allow("c", null, null, "m"), Allow("b", null, null, "m"),
        Allow("c", 1, 3, "rwm"), Allow("c", 1, 8, "rwm"), Allow("c", 1, 7, "rwm"), Allow("c", 5, 0, "rwm"),
        Allow("c", 1, 5, "rwm"), Allow("c", 1, 9, "rwm"), Allow("c", 136, null, "rwm"), Allow("c", 5, 2, "rwm"),
        Allow("c", 10, 200, "rwm"),
    ];

    public static List<DeviceCgroupRule> ForContainer(Spec spec)
    {
        var rules = new List<DeviceCgroupRule> { new() { Allow = false, Access = "rwm" } };
        rules.AddRange(spec.Linux?.Resources?.Devices ?? []);
        rules.AddRange(Defaults);
        return rules;
    }

    /// <summary>The v1 devices.allow / devices.deny line: "c 1:3 rwm", "a *:* rwm".</summary>
    public static string V1Line(DeviceCgroupRule rule)
    {
        string type = string.IsNullOrEmpty(rule.Type) ? "a" : rule.Type;
        string major = rule.Major is { } ma && ma >= 0 ? CgroupFile.Num(ma) : "*";
        string minor = rule.Minor is { } mi && mi >= 0 ? CgroupFile.Num(mi) : "*";
        string access = string.IsNullOrEmpty(rule.Access) ? "rwm" : rule.Access;
        return $"{type} {major}:{minor} {access}";
    }

    /// <summary>
    /// True when <paramref name="devicesList"/> (a v1 devices.list) is what <paramref name="rules"/> make of any list:
    /// they deny everything first and then only allow, so the result is their allow lines, whatever was there before.
    /// </summary>
    public static bool V1ListIsAlready(string? devicesList, IReadOnlyList<DeviceCgroupRule> rules)
    {
        if (devicesList is null || rules.Count == 0 || !IsDenyAll(rules[0]) || rules.Skip(1).Any(r => !r.Allow))
            return false;
        var wanted = rules.Skip(1).Select(r => Normalized(V1Line(r))).ToHashSet(StringComparer.Ordinal);
        var present = devicesList.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Normalized).ToHashSet(StringComparer.Ordinal);
        return wanted.SetEquals(present);
    }

    private static bool IsDenyAll(DeviceCgroupRule rule) =>
        !rule.Allow && (string.IsNullOrEmpty(rule.Type) || rule.Type == "a")
        && rule.Major is null or < 0 && rule.Minor is null or < 0
        && Normalized("a *:* " + (string.IsNullOrEmpty(rule.Access) ? "rwm" : rule.Access)) == "a *:* rwm";

    /// <summary>The access letters in the kernel's order (it prints "rwm" for "mwr").</summary>
    private static string Normalized(string line)
    {
        int space = line.LastIndexOf(' ');
        if (space < 0)
            return line;
        string access = line[(space + 1)..];
        return line[..(space + 1)] + string.Concat("rwm".Where(access.Contains));
    }

    private static DeviceCgroupRule Allow(string type, long? major, long? minor, string access) =>
        new() { Allow = true, Type = type, Major = major, Minor = minor, Access = access };
}
