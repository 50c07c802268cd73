using System.CommandLine;
using Jaula.Runtime;
using Jaula.Runtime.Exec;

namespace Jaula.Cli.Commands;

/// <summary>`jaula exec [flags] id command [args...]`: runc's flags; everything after the id is the command, verbatim.</summary>
public static class ExecCommand
{
    public static readonly Option<string?> Process = new("--process", "-p") { Description = "an OCI process JSON file (- for stdin) that replaces the flags" };
    public static readonly Option<bool> Tty = new("--tty", "-t") { Description = "give the process a pseudo-terminal" };
    public static readonly Option<string?> ConsoleSocket = new("--console-socket") { Description = "AF_UNIX socket to receive the pty master" };
    public static readonly Option<bool> Detach = new("--detach", "-d") { Description = "return once the process runs" };
    public static readonly Option<string?> PidFile = new("--pid-file") { Description = "write the process's host pid to this file" };
    public static readonly Option<string[]> Env = new("--env", "-e") { Description = "set an environment variable KEY=VALUE (repeatable)" };
    public static readonly Option<string?> Cwd = new("--cwd") { Description = "the working directory in the container" };
    public static readonly Option<string?> User = new("--user", "-u") { Description = "UID[:GID] to run as" };
    public static readonly Option<uint[]> AdditionalGids = new("--additional-gids", "-g") { Description = "an additional group id (repeatable)" };
    public static readonly Option<string[]> Cap = new("--cap", "-c") { Description = "add a capability, e.g. CAP_NET_ADMIN (repeatable)" };
    public static readonly Option<bool> NoNewPrivs = new("--no-new-privs") { Description = "set no_new_privs for the process" };
    public static readonly Option<string?> Apparmor = new("--apparmor") { Description = "AppArmor profile for the process" };
    public static readonly Option<string?> ProcessLabel = new("--process-label") { Description = "SELinux label for the process" };
    public static readonly Option<int> PreserveFds = new("--preserve-fds") { Description = "pass this many fds after stdio (3, 4, ...) to the process" };
    public static readonly Option<bool> IgnorePaused = new("--ignore-paused") { Description = "exec even into a paused container" };
    public static readonly Option<string?> Cgroup = new("--cgroup") { Description = "a sub-cgroup of the container's to run the process in" };
    public static readonly Option<string?> PidfdSocket = new("--pidfd-socket") { Description = "AF_UNIX socket to receive a pidfd of the process" };

    /// <summary>Every flag, for the argv normaliser: which ones take a value.</summary>
    public static readonly Option[] All =
        [Process, Tty, ConsoleSocket, Detach, PidFile, Env, Cwd, User, AdditionalGids, Cap, NoNewPrivs, Apparmor, ProcessLabel, PreserveFds, IgnorePaused, Cgroup, PidfdSocket];

    public static Command Build()
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var commandLine = new Argument<string[]>("command") { Description = "the command and its arguments", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("exec", "run a process in a running container");
        command.Arguments.Add(id);
        command.Arguments.Add(commandLine);
        foreach (Option option in All)
            command.Options.Add(option);
        foreach (Option option in new Option[] { Env, AdditionalGids, Cap })
            option.AllowMultipleArgumentsPerToken = false;
        command.SetAction(result => CommandContext.Execute(result, "exec", result.GetValue(id), context =>
        {
            var request = new ExecRequest
            {
                Id = result.GetValue(id)!,
                Args = result.GetValue(commandLine) ?? [],
                ProcessFile = result.GetValue(Process),
                Tty = result.GetValue(Tty),
                ConsoleSocket = result.GetValue(ConsoleSocket),
                Detach = result.GetValue(Detach),
                PidFile = result.GetValue(PidFile),
                Env = result.GetValue(Env) ?? [],
                Cwd = result.GetValue(Cwd),
                User = result.GetValue(User),
                AdditionalGids = result.GetValue(AdditionalGids) ?? [],
                Caps = result.GetValue(Cap) ?? [],
                NoNewPrivs = result.GetValue(NoNewPrivs),
                Apparmor = result.GetValue(Apparmor),
                ProcessLabel = result.GetValue(ProcessLabel),
                PreserveFds = result.GetValue(PreserveFds) is var n && n >= 0 ? n : throw new JaulaException("--preserve-fds must not be negative"),
                IgnorePaused = result.GetValue(IgnorePaused),
                Cgroup = result.GetValue(Cgroup),
                PidfdSocket = result.GetValue(PidfdSocket),
            };
            return new ContainerExecutor(context.Store, context.Log).Exec(request);
        }));
        return command;
    }
}
