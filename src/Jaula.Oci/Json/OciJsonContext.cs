using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>
/// Source-generated (reflection-free) JSON metadata for every top-level OCI document. Strict where JSON allows
/// slack (no comments, no trailing commas, numbers must be numbers, null only where the model allows it) and
/// lenient where the spec asks for it: unknown properties are ignored.
/// </summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Spec))]
[JsonSerializable(typeof(ContainerState))]
[JsonSerializable(typeof(ContainerProcessState))]
[JsonSerializable(typeof(Features))]
public partial class OciJsonContext : JsonSerializerContext
{
}
