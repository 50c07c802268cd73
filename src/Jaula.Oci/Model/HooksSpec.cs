using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>Programs run at points of the container lifecycle (config.md "POSIX-platform Hooks").</summary>
public sealed class HooksSpec
{
    /// <summary>Deprecated by the spec in favour of createRuntime, createContainer and startContainer.</summary>
    [JsonPropertyName("prestart")]
    public List<HookSpec>? Prestart { get; set; }

    [JsonPropertyName("createRuntime")]
    public List<HookSpec>? CreateRuntime { get; set; }

    [JsonPropertyName("createContainer")]
    public List<HookSpec>? CreateContainer { get; set; }

    [JsonPropertyName("startContainer")]
    public List<HookSpec>? StartContainer { get; set; }

    [JsonPropertyName("poststart")]
    public List<HookSpec>? Poststart { get; set; }

    [JsonPropertyName("poststop")]
    public List<HookSpec>? Poststop { get; set; }
}
