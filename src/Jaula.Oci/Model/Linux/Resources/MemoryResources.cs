using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>memory controller settings; byte limits use -1 for unlimited.</summary>
public sealed class MemoryResources
{
    [JsonPropertyName("limit")]
    public long? Limit { get; set; }

    [JsonPropertyName("reservation")]
    public long? Reservation { get; set; }

    /// <summary>Memory plus swap.</summary>
    [JsonPropertyName("swap")]
    public long? Swap { get; set; }

    /// <summary>Not recommended by the spec (gone from recent kernels).</summary>
    [JsonPropertyName("kernel")]
    public long? Kernel { get; set; }

    /// <summary>Not recommended by the spec.</summary>
    [JsonPropertyName("kernelTCP")]
    public long? KernelTcp { get; set; }

    /// <summary>0 to 100.</summary>
    [JsonPropertyName("swappiness")]
    public ulong? Swappiness { get; set; }

    [JsonPropertyName("disableOOMKiller")]
    public bool? DisableOomKiller { get; set; }

    [JsonPropertyName("useHierarchy")]
    public bool? UseHierarchy { get; set; }

    [JsonPropertyName("checkBeforeUpdate")]
    public bool? CheckBeforeUpdate { get; set; }
}
