using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>pids controller settings.</summary>
public sealed class PidsResources
{
    /// <summary>Maximum number of tasks; -1 means no limit; 0 is a real limit.</summary>
    [JsonPropertyName("limit")]
    public long? Limit { get; set; }
}
