namespace Jaula.Oci;

/// <summary>ociVersion: SemVer 2.0.0 (config.md), and of the major version jaula implements.</summary>
internal static class VersionRules
{
    private const string Field = "ociVersion";

    public static void Check(Spec spec, Problems problems)
    {
        var version = spec.OciVersion;
        if (string.IsNullOrEmpty(version))
        {
            problems.Add(Field, $"must not be empty: it names the runtime-spec version the config follows, e.g. \"{OciSpecVersion.Current}\"");
        }
        else if (!SemVer.TryGetMajor(version, out var major))
        {
            problems.Add(Field, $"\"{version}\" is not a SemVer version: write it like \"{OciSpecVersion.Current}\"");
        }
        else if (major != OciSpecVersion.Major)
        {
            problems.Add(Field, $"version {version} is not supported: jaula implements runtime-spec {OciSpecVersion.Major}.x (configs {OciSpecVersion.Minimum} to {OciSpecVersion.Current} and later 1.x)");
        }
    }
}
