namespace Jaula.Oci.Tests;

/// <summary>
/// Finds the repository's spec-fixtures and the OCI runtime-spec checkout that lives beside the repository
/// (shared/oci-runtime-spec next to the repo root), walking up from the test binary. Missing folders fail the
/// run instead of silently skipping the tests that need them.
/// </summary>
internal static class TestPaths
{
    public static string RuntimeSpec { get; } = FindUpwards(Path.Combine("shared", "oci-runtime-spec"));

    public static string SpecSchemaFolder => Path.Combine(RuntimeSpec, "schema");

    public static string ConfigSchema => Path.Combine(SpecSchemaFolder, "config-schema.json");

    public static string StateSchema => Path.Combine(SpecSchemaFolder, "state-schema.json");

    public static string FeaturesSchema => Path.Combine(SpecSchemaFolder, "features-schema.json");

    public static string SpecTestConfigs(string verdict) => Path.Combine(SpecSchemaFolder, "test", "config", verdict);

    public static string SpecTestFeatures(string verdict) => Path.Combine(SpecSchemaFolder, "test", "features", verdict);

    public static string Fixtures { get; } = FindUpwards(Path.Combine("spec-fixtures", "configs"));

    private static string FindUpwards(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            $"'{relative}' was not found in any folder above {AppContext.BaseDirectory}; the OCI runtime-spec must be checked out at shared/oci-runtime-spec beside the repository");
    }
}
