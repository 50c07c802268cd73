namespace Jaula.Oci;

/// <summary>linux.maskedPaths, linux.readonlyPaths (absolute paths) and linux.rootfsPropagation.</summary>
internal static class FilesystemRules
{
    public static void Check(Spec spec, Problems problems)
    {
        CheckPaths(spec.Linux?.MaskedPaths, "linux.maskedPaths", problems);
        CheckPaths(spec.Linux?.ReadonlyPaths, "linux.readonlyPaths", problems);
        CheckPropagation(spec.Linux?.RootfsPropagation, problems);
    }

    private static void CheckPaths(List<string>? paths, string field, Problems problems) =>
        Items.Each(paths, field, problems, (path, itemField) =>
            PathRules.RequireAbsolute(path, itemField, "a path inside the container", problems));

    // Empty is unset, as Go tools write it.
    private static void CheckPropagation(string? propagation, Problems problems)
    {
        // "" is not in the schema's enum (only an absent field means "the runtime's default")
        if (propagation is not null && !KnownNames.RootfsPropagations.Contains(propagation))
        {
            problems.Add("linux.rootfsPropagation", $"unknown propagation \"{propagation}\": use {KnownNames.OneOf(KnownNames.RootfsPropagations)}");
        }
    }
}
