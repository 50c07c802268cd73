using System.Text.Json.Serialization;

namespace Jaula.Oci;

/// <summary>The container process (config.md "Process", "POSIX process", "Linux Process").</summary>
public sealed class ProcessSpec
{
    [JsonPropertyName("terminal")]
    public bool? Terminal { get; set; }

    /// <summary>Ignored unless <see cref="Terminal"/> is true.</summary>
    [JsonPropertyName("consoleSize")]
    public ConsoleSize? ConsoleSize { get; set; }

    [JsonPropertyName("user")]
    public UserSpec? User { get; set; }

    /// <summary>argv; the first entry is the program, looked up like execvp's file.</summary>
    [JsonPropertyName("args")]
    public List<string>? Args { get; set; }

    /// <summary>Windows only; kept so such configs round-trip.</summary>
    [JsonPropertyName("commandLine")]
    public string? CommandLine { get; set; }

    /// <summary>KEY=VALUE entries.</summary>
    [JsonPropertyName("env")]
    public List<string>? Env { get; set; }

    /// <summary>Absolute working directory inside the container.</summary>
    [JsonPropertyName("cwd")]
    public required string Cwd { get; set; }

    [JsonPropertyName("capabilities")]
    public CapabilitiesSpec? Capabilities { get; set; }

    [JsonPropertyName("rlimits")]
    public List<RlimitSpec>? Rlimits { get; set; }

    [JsonPropertyName("noNewPrivileges")]
    public bool? NoNewPrivileges { get; set; }

    [JsonPropertyName("apparmorProfile")]
    public string? ApparmorProfile { get; set; }

    /// <summary>When null the runtime must leave oom_score_adj alone.</summary>
    [JsonPropertyName("oomScoreAdj")]
    public int? OomScoreAdj { get; set; }

    [JsonPropertyName("selinuxLabel")]
    public string? SelinuxLabel { get; set; }

    [JsonPropertyName("scheduler")]
    public SchedulerSpec? Scheduler { get; set; }

    [JsonPropertyName("ioPriority")]
    public IoPrioritySpec? IoPriority { get; set; }

    /// <summary>Applies to exec'd processes, not to the container's init.</summary>
    [JsonPropertyName("execCPUAffinity")]
    public ExecCpuAffinity? ExecCpuAffinity { get; set; }
}
