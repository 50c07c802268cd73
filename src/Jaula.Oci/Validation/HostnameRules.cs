namespace Jaula.Oci;

/// <summary>
/// hostname and domainname: setting them without a UTS namespace would rename the host, so linux.namespaces
/// must list "uts" (a new one, or one joined by path, which is the container's and not the runtime's).
/// Empty values are treated as unset, as runc does.
/// </summary>
internal static class HostnameRules
{
    private const int MaxLength = 64; // HOST_NAME_MAX, and the uts_name field size for both names

    public static void Check(Spec spec, Problems problems)
    {
        CheckName(spec, spec.Hostname, "hostname", problems);
        CheckName(spec, spec.Domainname, "domainname", problems);
    }

    private static void CheckName(Spec spec, string? name, string field, Problems problems)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }
        if (!NamespaceQueries.Lists(spec, NamespaceTypes.Uts))
        {
            problems.Add(field, $"needs a UTS namespace, or the host's own {field} would change: {NamespaceQueries.HowToAdd(NamespaceTypes.Uts)}");
        }
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxLength)
        {
            problems.Add(field, $"must be at most {MaxLength} bytes long (the kernel's limit), found {name.Length} characters");
        }
    }
}
