using NJsonSchema;

namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// The OCI runtime-spec's JSON schemas: from $OCI_RUNTIME_SPEC_SCHEMA, else shared/oci-runtime-spec/schema beside the
/// repository. They are read into a temp copy with defs.json's malformed "#definitions/..." references repaired
/// (NJsonSchema takes them for file paths), plus list-schema.json: an array of state documents, which is what
/// `list --format json` prints (runc's shape: the state plus created/owner).
/// </summary>
public static class OciSchemas
{
    public const string FolderVariable = "OCI_RUNTIME_SPEC_SCHEMA";

    private static readonly Lazy<string> s_folder = new(CopyWithRepairedReferences);
    private static readonly Dictionary<string, Lazy<JsonSchema>> s_schemas = new[]
    {
        "config-schema.json", "state-schema.json", "features-schema.json", "list-schema.json",
    }.ToDictionary(n => n, n => new Lazy<JsonSchema>(() => JsonSchema.FromFileAsync(Path.Combine(s_folder.Value, n)).GetAwaiter().GetResult()));

    public static JsonSchema Config => s_schemas["config-schema.json"].Value;

    public static JsonSchema State => s_schemas["state-schema.json"].Value;

    public static JsonSchema Features => s_schemas["features-schema.json"].Value;

    public static JsonSchema List => s_schemas["list-schema.json"].Value;

    /// <summary>The schema's complaints, one line each ("path: kind"); empty when the document is valid.</summary>
    public static IReadOnlyList<string> Violations(JsonSchema schema, string json) =>
        schema.Validate(json).Select(e => $"{e.Path}: {e.Kind}").ToList();

    public static string SourceFolder
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable(FolderVariable);
            string folder = !string.IsNullOrEmpty(configured)
                ? configured
                : Path.Combine(Path.GetDirectoryName(RepoPaths.RepoRoot)!, "shared", "oci-runtime-spec", "schema");
            if (!File.Exists(Path.Combine(folder, "state-schema.json")))
            {
                throw new InvalidOperationException(
                    $"OCI schemas not found in {folder}: check out the runtime-spec's schema/ folder there or set {FolderVariable} (see README.md)");
            }
            return folder;
        }
    }

    private static string CopyWithRepairedReferences()
    {
        // The source first: a missing schema folder must not leave an empty temp folder behind.
        string[] sources = Directory.GetFiles(SourceFolder, "*.json");
        string folder = Directory.CreateTempSubdirectory("jaula-conf-schema-").FullName;
        foreach (string source in sources)
        {
            string text = File.ReadAllText(source).Replace("\"#definitions/", "\"#/definitions/", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(folder, Path.GetFileName(source)), text);
        }
        File.WriteAllText(Path.Combine(folder, "list-schema.json"),
            """{ "$schema": "http://json-schema.org/draft-04/schema#", "type": "array", "items": { "$ref": "state-schema.json" } }""");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    }
}
