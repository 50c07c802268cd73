using System.Text.Json.Serialization;

namespace Jaula.Cgroups.Resctrl;

/// <summary>What state.json keeps of a container's resctrl (Intel RDT) placement, so exec and delete find it.</summary>
public sealed record ResctrlRecord
{
    /// <summary>The CTRL_MON group the init was added to: the closID directory, the container's own, or the root ("/").</summary>
    [JsonPropertyName("group")] public required string Group { get; init; }

    /// <summary>True only for a group named after the container that jaula made (runtime-spec: no closID, created).</summary>
    [JsonPropertyName("removeGroup")] public bool RemoveGroup { get; init; }

    /// <summary>mon_groups/&lt;id&gt; under the group, with enableMonitoring; always removed at delete.</summary>
    [JsonPropertyName("monGroup")] public string? MonGroup { get; init; }
}
