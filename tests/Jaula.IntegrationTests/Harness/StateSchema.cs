using NJsonSchema;

namespace Jaula.IntegrationTests.Harness;

/// <summary>The OCI state schema from shared/oci-runtime-spec, loaded once.</summary>
public static class StateSchema
{
    private static readonly Lazy<JsonSchema> s_schema = new(Load);

    /// <summary>Human-readable violations; empty when the document is valid.</summary>
    public static IReadOnlyList<string> Violations(string json) =>
        s_schema.Value.Validate(json).Select(e => e.ToString()).ToList();

    /// <summary>
    /// defs.json has a malformed reference ("#definitions/uint32", no slash) that NJsonSchema takes for a file
    /// path, so the two files are read into a temp folder with that one spelling corrected, then loaded from there.
    /// </summary>
    private static JsonSchema Load()
    {
        string source = Path.GetDirectoryName(RepoPaths.StateSchema)!;
        string dir = Directory.CreateTempSubdirectory("jaula-it-schema-").FullName;
        try
        {
            foreach (string name in new[] { "state-schema.json", "defs.json" })
            {
                string text = File.ReadAllText(Path.Combine(source, name)).Replace("\"#definitions/", "\"#/definitions/");
                File.WriteAllText(Path.Combine(dir, name), text);
            }
            return JsonSchema.FromFileAsync(Path.Combine(dir, "state-schema.json")).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
