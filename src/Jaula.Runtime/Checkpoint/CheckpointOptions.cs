namespace Jaula.Runtime.Checkpoint;

/// <summary>`jaula checkpoint`'s flags, with runc's defaults (image path "checkpoint" in the cwd, work path = image path).</summary>
public sealed record CheckpointOptions
{
    public string ImagePath { get; init; } = "checkpoint";
    public string? WorkPath { get; init; }
    public string? ParentPath { get; init; }
    public bool LeaveRunning { get; init; }
    public bool TcpEstablished { get; init; }
    public bool ExtUnixSk { get; init; }
    public bool ShellJob { get; init; }
    public bool FileLocks { get; init; }
    public bool PreDump { get; init; }
    public string? ManageCgroupsMode { get; init; }
    public IReadOnlyList<string> EmptyNs { get; init; } = [];
    public bool AutoDedup { get; init; }
    public bool LazyPages { get; init; }
    public int? StatusFd { get; init; }
    /// <summary>"ADDRESS:PORT" of a criu page server.</summary>
    public string? PageServer { get; init; }
}

/// <summary>`jaula restore`'s flags (runc's); the bundle defaults to the cwd, as for create.</summary>
public sealed record RestoreOptions
{
    public string ImagePath { get; init; } = "checkpoint";
    public string? WorkPath { get; init; }
    public string Bundle { get; init; } = ".";
    public bool Detach { get; init; }
    public string? PidFile { get; init; }
    public string? ConsoleSocket { get; init; }
    public bool NoSubreaper { get; init; }
    public bool NoPivot { get; init; }
    public bool TcpEstablished { get; init; }
    public bool ExtUnixSk { get; init; }
    public bool ShellJob { get; init; }
    public bool FileLocks { get; init; }
    public string? ManageCgroupsMode { get; init; }
    public IReadOnlyList<string> EmptyNs { get; init; } = [];
    public bool AutoDedup { get; init; }
    public bool LazyPages { get; init; }
    public string? LsmProfile { get; init; }
    public string? LsmMountContext { get; init; }

    /// <summary>The global --systemd-cgroup: the container's cgroup is a systemd unit (linux.cgroupsPath slice:prefix:name).</summary>
    public bool SystemdCgroup { get; init; }
}
