namespace Jaula.Runtime.Lifecycle;

/// <summary>The flags of `create` (and `run`).</summary>
public sealed record CreateOptions(string Id, string Bundle)
{
    public string? PidFile { get; init; }
    public string? ConsoleSocket { get; init; }
    public bool NoPivot { get; init; }
    public bool NoNewKeyring { get; init; }
    public int PreserveFds { get; init; }

    /// <summary>A foreground `run`: a terminal without a console socket is then proxied to our own stdio.</summary>
    public bool Foreground { get; init; }

    /// <summary>--pidfd-socket: where a pidfd of the init goes once it exists.</summary>
    public string? PidfdSocket { get; init; }

    /// <summary>--rootless (true, or auto for an unprivileged caller): maps by the caller's means, no cgroup on v1.</summary>
    public bool Rootless { get; init; }

    /// <summary>--systemd-cgroup: the cgroup is a transient systemd unit (cgroup v2 hosts only).</summary>
    public bool SystemdCgroup { get; init; }

    /// <summary>Not a flag: create's choice of init (<see cref="InitRoute"/>), carried to the clone and the plan.</summary>
    internal bool CInit { get; init; }
}
