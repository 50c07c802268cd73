using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The seccomp names the runtime recognizes.</summary>
public sealed class SeccompFeatures
{
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    [JsonPropertyName("actions")]
    public List<string>? Actions { get; set; }

    [JsonPropertyName("operators")]
    public List<string>? Operators { get; set; }

    [JsonPropertyName("archs")]
    public List<string>? Archs { get; set; }

    [JsonPropertyName("knownFlags")]
    public List<string>? KnownFlags { get; set; }

    [JsonPropertyName("supportedFlags")]
    public List<string>? SupportedFlags { get; set; }
}
