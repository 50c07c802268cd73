using System.Text.Json.Serialization;

namespace Jaula.Diagnostics;

/// <summary>How one host feature stands for running containers.</summary>
public enum CheckStatus
{
    [JsonStringEnumMemberName("ok")]
    Ok,
    /// <summary>Usable, or only some containers need it: they will fail, the default one will not.</summary>
    [JsonStringEnumMemberName("warning")]
    Warning,
    /// <summary>Absent: containers that need it cannot run; for an essential check, none can.</summary>
    [JsonStringEnumMemberName("missing")]
    Missing,
}
