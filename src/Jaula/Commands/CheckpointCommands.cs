using System.CommandLine;
using Jaula.Runtime.Checkpoint;

namespace Jaula.Cli.Commands;

/// <summary>`checkpoint` and `restore` with runc's flags and defaults; criu does the work (Runtime/Checkpoint).</summary>
public static class CheckpointCommands
{
    public static Command BuildCheckpoint()
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var image = Text("--image-path", "where criu writes the images (default: ./checkpoint)");
        var work = Text("--work-path", "where criu writes its log and work files (default: the image path)");
        var parent = Text("--parent-path", "the images of a previous pre-dump, relative to the image path");
        var leave = Flag("--leave-running", "leave the container running after the checkpoint");
        var tcp = Flag("--tcp-established", "allow open TCP connections");
        var extUnix = Flag("--ext-unix-sk", "allow external unix sockets");
        var shellJob = Flag("--shell-job", "allow shell jobs (a terminal shared with the caller)");
        var locks = Flag("--file-locks", "handle file locks");
        var preDump = Flag("--pre-dump", "dump the memory only, leaving the container running (then dump with --parent-path)");
        var cgroupsMode = Text("--manage-cgroups-mode", "criu's cgroup mode: soft, full, strict or ignore (default: soft)");
        var emptyNs = List("--empty-ns", "make a namespace but do not restore its contents (network)");
        var dedup = Flag("--auto-dedup", "deduplicate pages in the parent images");
        var lazy = Flag("--lazy-pages", "dump the memory lazily through a page server");
        var statusFd = new Option<int?>("--status-fd") { Description = "criu writes \\0 to this fd when lazy pages are ready" };
        var pageServer = Text("--page-server", "ADDRESS:PORT of a criu page server");
        var command = new Command("checkpoint", "checkpoint a running container with criu");
        command.Arguments.Add(id);
        foreach (Option o in new Option[] { image, work, parent, leave, tcp, extUnix, shellJob, locks, preDump, cgroupsMode, emptyNs, dedup, lazy, statusFd, pageServer })
            command.Options.Add(o);
        command.SetAction(result => CommandContext.Execute(result, "checkpoint", result.GetValue(id), context =>
        {
            new ContainerCheckpointer(context.Store, context.Log).Checkpoint(result.GetValue(id)!, new CheckpointOptions
            {
                ImagePath = result.GetValue(image) ?? "checkpoint",
                WorkPath = result.GetValue(work),
                ParentPath = result.GetValue(parent),
                LeaveRunning = result.GetValue(leave),
                TcpEstablished = result.GetValue(tcp),
                ExtUnixSk = result.GetValue(extUnix),
                ShellJob = result.GetValue(shellJob),
                FileLocks = result.GetValue(locks),
                PreDump = result.GetValue(preDump),
                ManageCgroupsMode = result.GetValue(cgroupsMode),
                EmptyNs = result.GetValue(emptyNs) ?? [],
                AutoDedup = result.GetValue(dedup),
                LazyPages = result.GetValue(lazy),
                StatusFd = result.GetValue(statusFd),
                PageServer = result.GetValue(pageServer),
            });
            return 0;
        }));
        return command;
    }

    public static Command BuildRestore()
    {
        var id = new Argument<string>("container-id") { Description = "the id of the restored container (the same or a new one)" };
        var image = Text("--image-path", "where the checkpoint's images are (default: ./checkpoint)");
        var work = Text("--work-path", "where criu writes its log and work files (default: the image path)");
        var bundle = new Option<string>("--bundle", "-b") { Description = "the bundle (default: the current directory)", DefaultValueFactory = _ => "." };
        var detach = Flag("--detach", "do not wait for the restored container", "-d");
        var pidFile = Text("--pid-file", "write the restored init's pid here");
        var consoleSocket = Text("--console-socket", "unix socket to receive the master of the restored container's new terminal (process.terminal)");
        var noSubreaper = Flag("--no-subreaper", "do not become a subreaper of the restored process");
        var noPivot = Flag("--no-pivot", "do not use pivot_root for the restored container's root");
        var tcp = Flag("--tcp-established", "restore open TCP connections");
        var extUnix = Flag("--ext-unix-sk", "allow external unix sockets");
        var shellJob = Flag("--shell-job", "restore a shell job (on the caller's terminal)");
        var locks = Flag("--file-locks", "restore file locks");
        var cgroupsMode = Text("--manage-cgroups-mode", "criu's cgroup mode: soft, full, strict or ignore (default: soft)");
        var emptyNs = List("--empty-ns", "make a namespace but do not restore its contents (network)");
        var dedup = Flag("--auto-dedup", "deduplicate pages in the images");
        var lazy = Flag("--lazy-pages", "restore the memory lazily from a page server");
        var lsmProfile = Text("--lsm-profile", "the LSM profile of the restored process (apparmor:NAME or selinux:LABEL)");
        var lsmMount = Text("--lsm-mount-context", "the LSM mount context of the restored mounts");
        var command = new Command("restore", "restore a container from a checkpoint with criu");
        command.Arguments.Add(id);
        foreach (Option o in new Option[] { image, work, bundle, detach, pidFile, consoleSocket, noSubreaper, noPivot, tcp, extUnix, shellJob, locks, cgroupsMode, emptyNs, dedup, lazy, lsmProfile, lsmMount })
            command.Options.Add(o);
        command.SetAction(result => CommandContext.Execute(result, "restore", result.GetValue(id), context =>
            new ContainerCheckpointer(context.Store, context.Log).Restore(result.GetValue(id)!, new RestoreOptions
            {
                ImagePath = result.GetValue(image) ?? "checkpoint",
                WorkPath = result.GetValue(work),
                Bundle = result.GetValue(bundle) ?? ".",
                Detach = result.GetValue(detach),
                PidFile = result.GetValue(pidFile),
                ConsoleSocket = result.GetValue(consoleSocket),
                NoSubreaper = result.GetValue(noSubreaper),
                NoPivot = result.GetValue(noPivot),
                TcpEstablished = result.GetValue(tcp),
                ExtUnixSk = result.GetValue(extUnix),
                ShellJob = result.GetValue(shellJob),
                FileLocks = result.GetValue(locks),
                ManageCgroupsMode = result.GetValue(cgroupsMode),
                EmptyNs = result.GetValue(emptyNs) ?? [],
                AutoDedup = result.GetValue(dedup),
                LazyPages = result.GetValue(lazy),
                LsmProfile = result.GetValue(lsmProfile),
                LsmMountContext = result.GetValue(lsmMount),
                SystemdCgroup = result.GetValue(GlobalOptions.SystemdCgroup),
            })));
        return command;
    }

    private static Option<string> Text(string name, string description) => new(name) { Description = description };

    private static Option<bool> Flag(string name, string description, params string[] aliases) => new(name, aliases) { Description = description };

    private static Option<string[]> List(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = false };
}
