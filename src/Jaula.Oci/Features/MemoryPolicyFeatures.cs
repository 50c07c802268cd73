using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The memory policy names the runtime recognizes.</summary>
public sealed class MemoryPolicyFeatures
{
    [JsonPropertyName("modes")]
    public List<string>? Modes { get; set; }

    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }
}
