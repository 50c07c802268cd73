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

    private static DeviceCgroupRule Allow(string type, long? major, long? minor, string access) =>
        new() { Allow = true, Type = type, Major = major, Minor = minor, Access = access };
}
