namespace Jaula.Oci;

/// <summary>root: required on Linux, with a non-empty path.</summary>
internal static class RootRules
{
    public static void Check(Spec spec, Problems problems)
    {
        if (spec.Root is null)
        {
            problems.Add("root", "is required: give the root filesystem's path, e.g. {\"path\": \"rootfs\"} (relative to the bundle, or absolute)");
        }
        else if (string.IsNullOrEmpty(spec.Root.Path))
        {
            problems.Add("root.path", "must not be empty: use \"rootfs\" (relative to the bundle) or an absolute path");
        }
    }
}
