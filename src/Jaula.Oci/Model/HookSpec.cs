using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>One hook: a program run with the container state on its stdin.</summary>
public sealed class HookSpec
{
    /// <summary>Absolute path of the program (execv semantics, no PATH lookup).</summary>
    [JsonPropertyName("path")]
    public required string Path { get; set; }

    [JsonPropertyName("args")]
    public List<string>? Args { get; set; }

    [JsonPropertyName("env")]
    public List<string>? Env { get; set; }

    /// <summary>Seconds before the hook is aborted; greater than zero when set.</summary>
    [JsonPropertyName("timeout")]
    public int? Timeout { get; set; }
}
