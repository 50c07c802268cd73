using System.CommandLine;
using Jaula.Runtime;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

/// <summary>The flags `create` and `run` share, and both argument forms: `create [-b B] id` and the spec's `create id B`.</summary>
public sealed class CreateFlags
{
    public readonly Argument<string> Id = new("container-id") { Description = "the container's id" };
    public readonly Argument<string?> BundleArgument = new("bundle") { Description = "bundle directory (the OCI spec's form)", Arity = ArgumentArity.ZeroOrOne };
    public readonly Option<string?> Bundle = new("--bundle", "-b") { Description = "bundle directory (default: the current directory)" };
    public readonly Option<string?> PidFile = new("--pid-file") { Description = "write the init's host pid to this file" };
    public readonly Option<string?> ConsoleSocket = new("--console-socket") { Description = "AF_UNIX socket to receive the pty master (with process.terminal)" };
    public readonly Option<bool> NoPivot = new("--no-pivot") { Description = "use MS_MOVE and chroot instead of pivot_root (for ramdisk roots)" };
    public readonly Option<bool> NoNewKeyring = new("--no-new-keyring") { Description = "keep the caller's session keyring" };
    public readonly Option<int> PreserveFds = new("--preserve-fds") { Description = "pass this many fds after stdio (3, 4, ...) to the process" };
    public readonly Option<string?> PidfdSocket = new("--pidfd-socket") { Description = "AF_UNIX socket to receive a pidfd of the init" };

    private const int RlimitNofile = 7;

    public void AddTo(Command command)
    {
        command.Arguments.Add(Id);
        command.Arguments.Add(BundleArgument);
        command.Options.Add(Bundle);
        command.Options.Add(PidFile);
        command.Options.Add(ConsoleSocket);
        command.Options.Add(NoPivot);
        command.Options.Add(NoNewKeyring);
        command.Options.Add(PreserveFds);
        command.Options.Add(PidfdSocket);
    }

    public CreateOptions Read(ParseResult result)
    {
        string id = result.GetValue(Id)!;
        string? positional = result.GetValue(BundleArgument), flag = result.GetValue(Bundle);
        if (positional is not null && flag is not null && positional != flag)
            throw new JaulaException($"two bundles given: --bundle {flag} and {positional}");
        int preserve = result.GetValue(PreserveFds);
        if (preserve < 0)
            throw new JaulaException("--preserve-fds must not be negative");
        // The init needs three more fds above the preserved ones (sync socket, exec fifo, its own binary).
        ulong limit = Linux.Sys.GetRlimit(RlimitNofile).Soft;
        if ((ulong)preserve + 6 > limit)
            throw new JaulaException($"--preserve-fds {preserve}: too many for the open-file limit {limit} (RLIMIT_NOFILE)");
        return new CreateOptions(id, positional ?? flag ?? Directory.GetCurrentDirectory())
        {
            PidFile = result.GetValue(PidFile),
            ConsoleSocket = result.GetValue(ConsoleSocket),
            NoPivot = result.GetValue(NoPivot),
            NoNewKeyring = result.GetValue(NoNewKeyring),
            PreserveFds = preserve,
            PidfdSocket = result.GetValue(PidfdSocket),
            Rootless = RootlessMode.IsOn(result.GetValue(GlobalOptions.Rootless)!),
            SystemdCgroup = result.GetValue(GlobalOptions.SystemdCgroup),
        };
    }
}
