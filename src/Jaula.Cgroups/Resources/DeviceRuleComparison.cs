using Jaula.Oci;

namespace Jaula.Cgroups.Resources;

/// <summary>
/// Whether two linux.resources.devices lists say the same thing, rule by rule in order, with the spec's defaults
/// spelled out (no type is "a", no major or minor, or a negative one, is "*", no access is "rwm"): engines resend the
/// container's own list on every update (containerd's CRI passes the spec's whole linux.resources).
/// </summary>
public static class DeviceRuleComparison
{
    public static bool Same(IReadOnlyList<DeviceCgroupRule>? a, IReadOnlyList<DeviceCgroupRule>? b)
    {
        a ??= [];
        b ??= [];
        if (a.Count != b.Count)
            return false;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i].Allow != b[i].Allow || DeviceRules.V1Line(a[i]) != DeviceRules.V1Line(b[i]))
                return false;
        }
        return true;
    }
}
