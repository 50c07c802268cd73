namespace Jaula.Oci;

/// <summary>annotations: keys must not be empty (config.md "Annotations"); values may be anything, even "".</summary>
internal static class AnnotationRules
{
    public static void Check(Spec spec, Problems problems) =>
        Items.Each(spec.Annotations, "annotations", problems, (key, _, field) =>
        {
            if (key.Length == 0)
            {
                problems.Add(field, "keys must not be empty: use reverse domain names such as \"com.example.key\"");
            }
        });
}
