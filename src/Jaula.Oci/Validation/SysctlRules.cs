namespace Jaula.Oci;

/// <summary>
/// linux.sysctl: each key names a file under /proc/sys, in dotted ("net.ipv4.ip_forward") or slashed
/// ("net/ipv4/conf/eth0.100/forwarding") form; a key that could step out of /proc/sys is refused.
/// </summary>
internal static class SysctlRules
{
    public static void Check(Spec spec, Problems problems) =>
        Items.Each(spec.Linux?.Sysctl, "linux.sysctl", problems, (key, _, field) =>
        {
            if (!IsSysctlName(key))
            {
                problems.Add(field, $"\"{key}\" is not a sysctl name: use names such as \"net.ipv4.ip_forward\" or \"net/ipv4/ip_forward\", with no empty, \".\" or \"..\" parts");
            }
        });

    private static bool IsSysctlName(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }
        var separator = key.Contains('/') ? '/' : '.';
        foreach (var range in key.AsSpan().Split(separator))
        {
            var part = key.AsSpan()[range];
            if (part.IsEmpty || part.SequenceEqual(".") || part.SequenceEqual(".."))
            {
                return false;
            }
        }
        return true;
    }
}
