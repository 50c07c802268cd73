namespace Jaula.Oci;

/// <summary>linux.namespaces: known types, each once, joined by absolute path (config-linux.md "Namespaces").</summary>
internal static class NamespaceRules
{
    private const string Field = "linux.namespaces";

    public static void Check(Spec spec, Problems problems)
    {
        var firstFieldByType = new Dictionary<string, string>(StringComparer.Ordinal);
        Items.Each(spec.Linux?.Namespaces, Field, problems, (ns, field) =>
        {
            CheckOne(ns, field, problems);
            if (ns.Type is not null && !firstFieldByType.TryAdd(ns.Type, field))
            {
                problems.Add(FieldPath.Property(field, "type"),
                    $"\"{ns.Type}\" is already listed at {firstFieldByType[ns.Type]}: each type may appear once");
            }
        });
    }

    private static void CheckOne(NamespaceSpec ns, string field, Problems problems)
    {
        if (!NamespaceTypes.All.Contains(ns.Type))
        {
            problems.Add(FieldPath.Property(field, "type"),
                $"unknown namespace type \"{ns.Type}\": use {KnownNames.OneOf(NamespaceTypes.All)}");
        }
        // An empty path means "create a new one", like an absent one (Go tools write "" for unset).
        if (!string.IsNullOrEmpty(ns.Path) && !ns.Path.StartsWith('/'))
        {
            problems.Add(FieldPath.Property(field, "path"),
                $"must be an absolute path to a namespace file such as \"/proc/1234/ns/{ProcFileName(ns.Type)}\", found \"{ns.Path}\"");
        }
    }

    private static string ProcFileName(string type) => type switch
    {
        NamespaceTypes.Network => "net",
        NamespaceTypes.Mount => "mnt",
        _ => type,
    };
}
