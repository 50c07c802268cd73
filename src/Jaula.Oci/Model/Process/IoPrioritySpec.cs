using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>ioprio_set(2) settings applied to the container's processes.</summary>
public sealed class IoPrioritySpec
{
    /// <summary>"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE" or "IOPRIO_CLASS_IDLE".</summary>
    [JsonPropertyName("class")]
    public required string Class { get; set; }

    /// <summary>0 (highest) to 7 (lowest).</summary>
    [JsonPropertyName("priority")]
    public int? Priority { get; set; }
}
