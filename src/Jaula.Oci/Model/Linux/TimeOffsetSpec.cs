using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>How far a clock of a new time namespace is moved.</summary>
public sealed class TimeOffsetSpec
{
    [JsonPropertyName("secs")]
    public long? Secs { get; set; }

    [JsonPropertyName("nanosecs")]
    public uint? Nanosecs { get; set; }
}
