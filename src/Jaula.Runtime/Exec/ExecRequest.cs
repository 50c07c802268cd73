namespace Jaula.Runtime.Exec;

/// <summary>What `jaula exec` was asked for: runc's exec flags, before they are merged onto the container's process.</summary>
public sealed class ExecRequest
{
    public required string Id { get; init; }

    /// <summary>The command and its arguments (everything after the id), unless <see cref="ProcessFile"/> gives them.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>--process: an OCI process JSON document that replaces the flags below.</summary>
    public string? ProcessFile { get; init; }

    public bool Tty { get; init; }
    public string? ConsoleSocket { get; init; }
    public bool Detach { get; init; }
    public string? PidFile { get; init; }
    public IReadOnlyList<string> Env { get; init; } = [];
    public string? Cwd { get; init; }

    /// <summary>-u UID[:GID].</summary>
    public string? User { get; init; }

    public IReadOnlyList<uint> AdditionalGids { get; init; } = [];
    public IReadOnlyList<string> Caps { get; init; } = [];
    public bool NoNewPrivs { get; init; }
    public string? Apparmor { get; init; }
    public string? ProcessLabel { get; init; }
    public int PreserveFds { get; init; }
    public bool IgnorePaused { get; init; }
    public string? PidfdSocket { get; init; }

    /// <summary>--cgroup: a sub-cgroup of the container's to put the process in (cgroup v2 only in runc).</summary>
    public string? Cgroup { get; init; }
}
