using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>One resource limit, set with setrlimit(2).</summary>
public sealed class RlimitSpec
{
    /// <summary>An RLIMIT_* name, e.g. "RLIMIT_NOFILE".</summary>
    [JsonPropertyName("type")]
    public required string Type { get; set; }

    [JsonPropertyName("soft")]
    public required ulong Soft { get; set; }

    [JsonPropertyName("hard")]
    public required ulong Hard { get; set; }
}
