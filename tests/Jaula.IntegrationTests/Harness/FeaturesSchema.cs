using NJsonSchema;

namespace Jaula.IntegrationTests.Harness;

/// <summary>The OCI features schema from shared/oci-runtime-spec (features-schema.json and the files it refers to).</summary>
public static class FeaturesSchema
{
    private static readonly Lazy<JsonSchema> s_schema = new(Load);

    /// <summary>Human-readable violations; empty when the document is valid.</summary>
    public static IReadOnlyList<string> Violations(string json) =>
        s_schema.Value.Validate(json).Select(e => e.ToString()).ToList();

    /// <summary>Read from a temp copy with defs.json's malformed "#definitions/" references corrected (see StateSchema).</summary>
    private static JsonSchema Load()
    {
        string source = Path.GetDirectoryName(RepoPaths.StateSchema)!;
        string dir = Directory.CreateTempSubdirectory("jaula-it-schema-").FullName;
        try
        {
            foreach (string file in Directory.GetFiles(source, "*.json"))
            {
                string text = File.ReadAllText(file).Replace("\"#definitions/", "\"#/definitions/");
                File.WriteAllText(Path.Combine(dir, Path.GetFileName(file)), text);
            }
            return JsonSchema.FromFileAsync(Path.Combine(dir, "features-schema.json")).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
