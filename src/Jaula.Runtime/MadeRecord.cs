using System.Text.Json.Serialization;
using Jaula.Cgroups;

namespace Jaula.Runtime;

/// <summary>
/// &lt;root&gt;/&lt;id&gt;/made.json: what `create` made, each thing recorded before it is made (the cgroup, with the parents it
/// will add) or the moment it exists (the init's pid and start time, right after clone). It outlives create, so
/// `delete --force` kills and removes exactly this when create died half-way or when state.json is missing or damaged.
/// </summary>
public sealed class MadeRecord
{
    /// <summary>The stage child or init, 0 before clone.</summary>
    [JsonPropertyName("pid")] public int Pid { get; set; }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat, so a reused pid is never killed.</summary>
    [JsonPropertyName("pidStartTime")] public ulong PidStartTime { get; set; }

    [JsonPropertyName("cgroup")] public CgroupRecord? Cgroup { get; set; }

    /// <summary>A container in the host's mount namespace: where its mounts go, recorded before the init makes any.</summary>
    [JsonPropertyName("hostMounts")] public HostMountsRecord? HostMounts { get; set; }
}

/// <summary>
/// The rootfs as the host's mountinfo spells it, and the mounts already at or under it before create: every other
/// mount there is the container's, unmounted at delete (see Sandbox.Rootfs.HostMountSweep).
/// </summary>
public sealed class HostMountsRecord
{
    [JsonPropertyName("rootfs")] public required string Rootfs { get; init; }
    [JsonPropertyName("before")] public List<int> Before { get; init; } = [];
}
