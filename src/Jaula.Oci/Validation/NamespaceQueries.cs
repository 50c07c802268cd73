namespace Jaula.Oci;

internal static class NamespaceQueries
{
    /// <summary>Whether linux.namespaces lists the type, to be created or joined.</summary>
    public static bool Lists(Spec spec, string type) =>
        spec.Linux?.Namespaces?.Any(n => n is not null && n.Type == type) == true;

    public static string HowToAdd(string type) => $"add {{\"type\": \"{type}\"}} to linux.namespaces";
}
