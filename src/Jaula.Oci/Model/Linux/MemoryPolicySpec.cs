using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>set_mempolicy(2) settings for the container.</summary>
public sealed class MemoryPolicySpec
{
    /// <summary>An MPOL_* mode; the spec requires it (the schema does not, so it is checked by validation).</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; set; }

    /// <summary>Node list such as "0-3,7".</summary>
    [JsonPropertyName("nodes")]
    public string? Nodes { get; set; }

    /// <summary>MPOL_F_* names.</summary>
    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }
}
