namespace Jaula.Oci;

/// <summary>The namespace type names of config-linux.md.</summary>
public static class NamespaceTypes
{
    public const string Pid = "pid";
    public const string Network = "network";
    public const string Mount = "mount";
    public const string Ipc = "ipc";
    public const string Uts = "uts";
    public const string User = "user";
    public const string Cgroup = "cgroup";
    public const string Time = "time";

    public static IReadOnlyList<string> All { get; } = [Pid, Network, Mount, Ipc, Uts, User, Cgroup, Time];
}
