using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>A comparison of one syscall argument.</summary>
public sealed class SeccompArg
{
    [JsonPropertyName("index")]
    public required uint Index { get; set; }

    [JsonPropertyName("value")]
    public required ulong Value { get; set; }

    /// <summary>The second operand of SCMP_CMP_MASKED_EQ.</summary>
    [JsonPropertyName("valueTwo")]
    public ulong? ValueTwo { get; set; }

    /// <summary>An SCMP_CMP_* operator.</summary>
    [JsonPropertyName("op")]
    public required string Op { get; set; }
}
