using System.Text.Json.Serialization;

namespace Jaula.Cgroups;

/// <summary>A container's cgroups as the state record keeps them.</summary>
public sealed record CgroupRecord
{
    [JsonPropertyName("version")] public required int Version { get; init; }

    /// <summary>Hierarchy key (v1 controllers, "" for cgroup2) to the container's directory.</summary>
    [JsonPropertyName("paths")] public required Dictionary<string, string> Paths { get; init; }

    /// <summary>Hierarchy key to the hierarchy's mount point.</summary>
    [JsonPropertyName("roots")] public required Dictionary<string, string> Roots { get; init; }

    /// <summary>Parent directories create made (top-down); removed on delete if nothing else uses them.</summary>
    [JsonPropertyName("createdParents")] public List<string> CreatedParents { get; init; } = [];

    /// <summary>The transient unit the systemd driver made ("jaula-c1.scope"); null under the cgroupfs driver.</summary>
    [JsonPropertyName("systemdUnit")] public string? SystemdUnit { get; init; }

    /// <summary>The unit's parent slice, with <see cref="SystemdUnit"/>.</summary>
    [JsonPropertyName("systemdSlice")] public string? SystemdSlice { get; init; }
}
