using NJsonSchema;

namespace Jaula.Oci.Tests;

/// <summary>
/// The spec's JSON schemas, loaded once from files so their relative $refs resolve. defs.json's unused
/// ArrayOfUint32 has a malformed reference ("#definitions/uint32", missing the slash) that NJsonSchema cannot
/// resolve, so the schema folder is read from a temporary copy with that one reference repaired.
/// </summary>
internal static class Schemas
{
    private static readonly Lazy<string> RepairedFolder = new(CopyWithRepairedReferences);
    private static readonly Lazy<JsonSchema> ConfigSchema = Load("config-schema.json");
    private static readonly Lazy<JsonSchema> StateSchema = Load("state-schema.json");
    private static readonly Lazy<JsonSchema> FeaturesSchema = Load("features-schema.json");

    public static JsonSchema Config => ConfigSchema.Value;

    public static JsonSchema State => StateSchema.Value;

    public static JsonSchema Features => FeaturesSchema.Value;

    /// <summary>The schema's complaints, one line each, for readable assertion failures.</summary>
    public static IReadOnlyList<string> Errors(JsonSchema schema, string json) =>
        schema.Validate(json).Select(e => $"{e.Path}: {e.Kind}").ToList();

    private static Lazy<JsonSchema> Load(string name) =>
        new(() => JsonSchema.FromFileAsync(Path.Combine(RepairedFolder.Value, name)).GetAwaiter().GetResult());

    private static string CopyWithRepairedReferences()
    {
        var folder = Directory.CreateTempSubdirectory("jaula-oci-schema-").FullName;
        foreach (var source in Directory.GetFiles(TestPaths.SpecSchemaFolder, "*.json"))
        {
            var text = File.ReadAllText(source).Replace("\"#definitions/", "\"#/definitions/", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, Path.GetFileName(source)), text);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    }
}
