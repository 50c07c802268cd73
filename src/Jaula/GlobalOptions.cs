using System.CommandLine;
using Jaula.Cli.Logging;
using Jaula.Runtime;

namespace Jaula.Cli;

/// <summary>runc's global flags. They are recursive, so engines may put them before the verb (as they do) or after.</summary>
public static class GlobalOptions
{
    public static readonly Option<string> Root = new("--root")
    {
        Description = "directory for the containers' state",
        DefaultValueFactory = _ => RootlessMode.DefaultStateRoot(),
        Recursive = true,
    };

    public static readonly Option<string?> Log = new("--log") { Description = "append log lines to this file", Recursive = true };

    public static readonly Option<string> LogFormat = new("--log-format")
    {
        Description = "text or json",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };

    public static readonly Option<bool> Debug = new("--debug") { Description = "log debug detail", Recursive = true };

    public static readonly Option<bool> SystemdCgroup = new("--systemd-cgroup")
    {
        Description = "put the container in a transient systemd unit (cgroup v2 hosts; linux.cgroupsPath is slice:prefix:name)",
        Recursive = true,
    };

    public static readonly Option<string> Rootless = new("--rootless")
    {
        Description = "true, false or auto (auto: rootless when not run as root or already in a user namespace)",
        DefaultValueFactory = _ => "auto",
        Recursive = true,
    };

    public static readonly Option<bool> Version = new("--version", "-v") { Description = "print the version" };

    static GlobalOptions()
    {
        LogFormat.AcceptOnlyFromAmong("text", "json");
        Rootless.AcceptOnlyFromAmong("true", "false", "auto");
    }

    public static Option[] All => [Root, Log, LogFormat, Debug, SystemdCgroup, Rootless, Version];

    public static void AddTo(RootCommand root)
    {
        foreach (Option option in All)
            root.Options.Add(option);
    }

    public static CliLog CreateLog(ParseResult result) =>
        new(result.GetValue(Log), result.GetValue(LogFormat) == "json", result.GetValue(Debug));

    public static StateStore CreateStore(ParseResult result) => new(result.GetValue(Root)!);
}
