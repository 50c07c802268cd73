using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>sched_setattr(2) settings for the process.</summary>
public sealed class SchedulerSpec
{
    /// <summary>A SCHED_* policy name, e.g. "SCHED_OTHER".</summary>
    [JsonPropertyName("policy")]
    public required string Policy { get; set; }

    [JsonPropertyName("nice")]
    public int? Nice { get; set; }

    [JsonPropertyName("priority")]
    public int? Priority { get; set; }

    /// <summary>SCHED_FLAG_* names.</summary>
    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }

    /// <summary>Nanoseconds (SCHED_DEADLINE).</summary>
    [JsonPropertyName("runtime")]
    public ulong? Runtime { get; set; }

    /// <summary>Nanoseconds (SCHED_DEADLINE).</summary>
    [JsonPropertyName("deadline")]
    public ulong? Deadline { get; set; }

    /// <summary>Nanoseconds (SCHED_DEADLINE).</summary>
    [JsonPropertyName("period")]
    public ulong? Period { get; set; }
}
