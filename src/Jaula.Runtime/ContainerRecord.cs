using System.Text.Json.Serialization;

namespace Jaula.Runtime;

/// <summary>What `create` persists in &lt;root&gt;/&lt;id&gt;/state.json. The status is never stored: it is computed live.</summary>
public sealed class ContainerRecord
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("bundle")] public required string Bundle { get; init; }
    [JsonPropertyName("rootfs")] public required string Rootfs { get; init; }
    [JsonPropertyName("pid")] public required int Pid { get; init; }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat at create: tells our init from a later process that reused the pid.</summary>
    [JsonPropertyName("pidStartTime")] public required ulong PidStartTime { get; init; }

    /// <summary>The init's pid namespace inode, to find its processes for `kill --all`.</summary>
    [JsonPropertyName("pidNamespace")] public ulong? PidNamespace { get; init; }

    [JsonPropertyName("ownPidNamespace")] public bool OwnPidNamespace { get; init; }
    [JsonPropertyName("created")] public required string Created { get; init; }
    [JsonPropertyName("owner")] public string Owner { get; init; } = "";
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; init; }

    /// <summary>The container's cgroup directories (set once the init is placed).</summary>
    [JsonPropertyName("cgroup")] public Jaula.Cgroups.CgroupRecord? Cgroup { get; set; }
    /// <summary>The container's resctrl groups (linux.intelRdt), removed at delete.</summary>
    [JsonPropertyName("intelRdt")] public Jaula.Cgroups.Resctrl.ResctrlRecord? IntelRdt { get; set; }
    /// <summary>config.json's hooks as they were at create: start and delete run poststart and poststop from here.</summary>
    [JsonPropertyName("hooks")] public Oci.HooksSpec? Hooks { get; init; }
    /// <summary>config.json had no process (allowed at create, config.md): `start` is refused, naming the field.</summary>
    [JsonPropertyName("noProcess")] public bool NoProcess { get; init; }
    /// <summary>config.json's linux.resources.devices at create: update compares the rules it is given with these.</summary>
    [JsonPropertyName("deviceRules")] public List<Oci.DeviceCgroupRule>? DeviceRules { get; init; }
}
