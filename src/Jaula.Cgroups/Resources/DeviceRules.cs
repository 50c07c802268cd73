using Jaula.Oci;

namespace Jaula.Cgroups.Resources;

/// <summary>
/// The device list a container's cgroup gets, as runc builds it: linux.resources.devices in order, then an allow rule
/// for every device in linux.devices, then the devices every container may use (null, zero, full, tty, random,
/// urandom, the pty devices, tun) and mknod of any device.
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
        var rules = new List<DeviceCgroupRule>(spec.Linux?.Resources?.Devices ?? []);
        foreach (var device in spec.Linux?.Devices ?? [])
        {
            if (device.Type is "c" or "b" or "u")
                rules.Add(Allow(device.Type == "u" ? "c" : device.Type, device.Major, device.Minor, "rwm"));
        }
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
