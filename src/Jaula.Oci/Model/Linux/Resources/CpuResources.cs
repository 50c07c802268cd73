using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>cpu and cpuset controller settings; times are microseconds.</summary>
public sealed class CpuResources
{
    [JsonPropertyName("shares")]
    public ulong? Shares { get; set; }

    [JsonPropertyName("quota")]
    public long? Quota { get; set; }

    [JsonPropertyName("burst")]
    public ulong? Burst { get; set; }

    [JsonPropertyName("period")]
    public ulong? Period { get; set; }

    [JsonPropertyName("realtimeRuntime")]
    public long? RealtimeRuntime { get; set; }

    [JsonPropertyName("realtimePeriod")]
    public ulong? RealtimePeriod { get; set; }

    /// <summary>CPU list such as "0-3,7".</summary>
    [JsonPropertyName("cpus")]
    public string? Cpus { get; set; }

    /// <summary>Memory node list such as "0-3,7".</summary>
    [JsonPropertyName("mems")]
    public string? Mems { get; set; }

    /// <summary>1 puts the cgroup under SCHED_IDLE; 0 is the default.</summary>
    [JsonPropertyName("idle")]
    public long? Idle { get; set; }
}
