using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>personality(2) execution domain.</summary>
public sealed class PersonalitySpec
{
    /// <summary>"LINUX" or "LINUX32"; the spec requires it (checked by validation).</summary>
    [JsonPropertyName("domain")]
    public string? Domain { get; set; }

    /// <summary>No flag is defined by the spec yet.</summary>
    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }
}
