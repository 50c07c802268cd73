using System.Globalization;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Capabilities;
using Jaula.Sandbox.Rlimits;
using Jaula.Sandbox.Rootfs.Plan;

namespace Jaula.Sandbox.Process;

/// <summary>What the process operations need besides the spec: read by the caller, given by tests.</summary>
public sealed record ProcessFacts
{
    /// <summary>The session keyring to join (runc's "_ses.&lt;id&gt;"), or null to keep the caller's (--no-new-keyring).</summary>
    public string? SessionKeyring { get; init; }

    /// <summary>The bounding set of the process that runs the plan, and the highest capability the kernel knows.</summary>
    public ulong HostBounding { get; init; } = (1UL << 41) - 1;
    public int LastCap { get; init; } = 40;

    public static ProcessFacts FromHost(string? sessionKeyring) => new()
    {
        SessionKeyring = sessionKeyring,
        HostBounding = Sys.CapBoundingSet(),
        LastCap = Sys.LastCap(),
    };
}

/// <summary>
/// The process's settings as operations of the rootfs plan (native/rootfs_plan.h, kinds 16-26), in the order the
/// init made them itself: after pivot_root the terminal or else the session, hostname, domainname and sysctls (before /proc/sys may turn
/// read-only); at the plan's end the keyring, oom_score_adj, rlimits, the bounding set, the working directory and
/// the umask. Everything is decided here, from the spec and <see cref="ProcessFacts"/>; C only makes the calls.
/// </summary>
public static class ProcessPlanCompiler
{
    private const uint DefaultUmask = 0x12; // 0022

    /// <summary>
    /// process.terminal, right after the AfterPivot pause and the new root's Root operation: a pty from the
    /// container's own devpts (its /dev/ptmx, resolved in the root) becomes the controlling terminal of a new session
    /// and the stdio, its peer is bound on /dev/console, and the master goes to the parent on the sync socket
    /// (<paramref name="syncFd"/>) in a CONSOLE frame. Before the masked and read-only paths: /dev may turn read-only.
    /// </summary>
    public static void Terminal(Spec spec, int syncFd, List<RootfsOperation> ops)
    {
        if (spec.Process?.Terminal != true)
            return;
        if (syncFd < 0)
            throw new InvalidOperationException("process.terminal needs the sync socket to send the pty master on");
        var size = spec.Process.ConsoleSize;
        ops.Add(new()
        {
            Kind = RootfsOpKind.Console,
            Flags = size is null ? RootfsOpFlags.None : RootfsOpFlags.ConsoleSize,
            Source = Ptmx,
            Path = ConsolePath,
            Fd = syncFd,
            // As TIOCSWINSZ takes them (and runc): 16-bit rows and columns, the rest of a larger value dropped.
            Uid = size is null ? 0u : (ushort)size.Height,
            Gid = size is null ? 0u : (ushort)size.Width,
            Field = RootfsField.Terminal,
        });
    }

    /// <summary>The container's ptmx after pivot_root: its devpts instance, not the host's.</summary>
    public const string Ptmx = "/dev/ptmx";
    public const string ConsolePath = "/dev/console";

    /// <summary>Right after the AfterPivot pause, the new root and the terminal (whose attach makes its own session).</summary>
    public static void KernelSettings(Spec spec, List<RootfsOperation> ops)
    {
        if (spec.Process?.Terminal != true)
        {
            // The init leads a session of its own, as runc's does: criu refuses a tree whose session leader is outside
            // its pid namespace. EPERM (already a group leader) leaves it where it is.
            var (low, high) = RootfsOperation.ErrnoSet(Errno.EPERM);
            ops.Add(new() { Kind = RootfsOpKind.Setsid, Flags = RootfsOpFlags.Tolerate, AttrSet = low, AttrClear = high, Field = RootfsField.Session });
        }
        if (spec.Hostname is { Length: > 0 } hostname)
            ops.Add(new() { Kind = RootfsOpKind.Hostname, Path = hostname, Field = RootfsField.Hostname });
        if (spec.Domainname is { Length: > 0 } domainname)
            ops.Add(new() { Kind = RootfsOpKind.Domainname, Path = domainname, Field = RootfsField.Domainname });
        if (spec.Linux?.Sysctl is not { Count: > 0 } sysctl)
            return;
        ops.Add(new() { Kind = RootfsOpKind.RequireProcfs, Field = RootfsField.SysctlMap });
        uint index = 0;
        foreach (var (key, value) in sysctl)
        {
            ops.Add(new()
            {
                Kind = RootfsOpKind.ProcWrite,
                Path = KernelParameters.RelativePath(key),
                Data = value,
                Field = RootfsField.Sysctl,
                FieldIndex = index++,
                FieldKey = key,
            });
        }
    }

    /// <summary>The plan's last operations, after the Process pause; only for a config with a process.</summary>
    public static void ProcessSettings(Spec spec, ProcessFacts facts, List<RootfsOperation> ops)
    {
        var process = spec.Process ?? throw new ContainerSetupException("process", "missing: nothing to run");
        if (facts.SessionKeyring is { } keyring)
        {
            // Keyrings are not namespaced; where the kernel refuses one (quota, no keys support) the container still runs.
            var (low, high) = RootfsOperation.ErrnoSet(Errno.ENOSYS, Errno.EDQUOT, Errno.EACCES);
            ops.Add(new()
            {
                Kind = RootfsOpKind.Keyring,
                Flags = RootfsOpFlags.Tolerate | RootfsOpFlags.Warn,
                AttrSet = low,
                AttrClear = high,
                Path = keyring,
                Field = RootfsField.SessionKeyring,
            });
        }
        if (process.OomScoreAdj is int adjust)
        {
            ops.Add(new() { Kind = RootfsOpKind.RequireProcfs, Field = RootfsField.OomScoreAdj });
            ops.Add(new()
            {
                Kind = RootfsOpKind.ProcWrite,
                Flags = RootfsOpFlags.ProcSelf,
                Path = "oom_score_adj",
                Data = adjust.ToString(CultureInfo.InvariantCulture),
                Field = RootfsField.OomScoreAdj,
            });
        }
        var rlimits = process.Rlimits ?? [];
        for (int i = 0; i < rlimits.Count; i++)
        {
            var r = rlimits[i];
            string field = $"process.rlimits[{i}]";
            if (!RlimitNames.TryParse(r.Type, out int resource))
                throw new ContainerSetupException(field, $"unknown rlimit type \"{r.Type}\"");
            RlimitApplier.Check(resource, r.Soft, r.Hard, field);
            ops.Add(new()
            {
                Kind = RootfsOpKind.Rlimit,
                Arg = (uint)resource,
                MountFlags = (MountFlags)r.Soft,
                Dev = r.Hard,
                Field = RootfsField.Rlimits,
                FieldIndex = (uint)i,
            });
        }
        var caps = ProcessSetup.ParseCapabilities(process.Capabilities);
        CapabilityApplier.RequireWithinHostBounding(caps, facts.HostBounding);
        for (int cap = 0; cap <= facts.LastCap && cap < 64; cap++)
        {
            ulong bit = 1UL << cap;
            if ((caps.Bounding & bit) == 0 && (facts.HostBounding & bit) != 0)
                ops.Add(new() { Kind = RootfsOpKind.CapBoundingDrop, Arg = (uint)cap, Field = RootfsField.CapabilitiesBounding });
        }
        ops.Add(new() { Kind = RootfsOpKind.Chdir, Path = process.Cwd ?? "/", Field = RootfsField.Cwd });
        ops.Add(new() { Kind = RootfsOpKind.Umask, Mode = (process.User?.Umask ?? DefaultUmask) & 0x1FF, Field = RootfsField.Umask });
    }
}

/// <summary>The user's error (or warning) for a process operation the C executor reported, worded as the init's own calls did.</summary>
public static class ProcessPlanFailure
{
    public static ContainerSetupException Describe(RootfsOperation op, int errno, RootfsStep step)
    {
        switch (op.Kind)
        {
            case RootfsOpKind.RequireProcfs:
                return new ContainerSetupException(op.FieldName, "needs procfs mounted on /proc in the container (add a mount of type \"proc\")");
            case RootfsOpKind.ProcWrite:
            {
                var e = ProcWriteError(op, errno, step);
                return op.Field == RootfsField.Sysctl && op.FieldKey is { } key
                    ? KernelParameters.Failure(key, e)
                    : new ContainerSetupException(op.FieldName, e.Message, e);
            }
            case RootfsOpKind.Rlimit:
                return new ContainerSetupException(op.FieldName, RlimitApplier.DescribeFailure((int)op.Arg, op.Dev, errno), new ErrnoException("setrlimit", $"resource {op.Arg}", errno));
            case RootfsOpKind.CapBoundingDrop:
            {
                var e = new ErrnoException("prctl(PR_CAPBSET_DROP)", $"capability {op.Arg}", errno);
                return new ContainerSetupException(op.FieldName, CapabilityApplier.DroppingFailed((int)op.Arg, e), e);
            }
            case RootfsOpKind.Chdir when step == RootfsStep.OutsideRoot:
                return new ContainerSetupException(op.FieldName, WorkingDirectory.OutsideRoot(op.Path ?? "/"));
            case RootfsOpKind.Console:
                return TerminalFailure(op, errno, step);
        }
        var cause = op.Kind switch
        {
            RootfsOpKind.Setsid => new ErrnoException("setsid", null, errno),
            RootfsOpKind.Hostname => new ErrnoException("sethostname", op.Path, errno),
            RootfsOpKind.Domainname => new ErrnoException("setdomainname", op.Path, errno),
            RootfsOpKind.Keyring => KeyringError(op, errno),
            RootfsOpKind.Chdir when step == RootfsStep.Getcwd => new ErrnoException("getcwd", null, errno),
            RootfsOpKind.Chdir => new ErrnoException("chdir", op.Path, errno),
            _ => new ErrnoException(op.Kind.ToString().ToLowerInvariant(), op.Path, errno),
        };
        return new ContainerSetupException(op.FieldName, cause.Message, cause);
    }

    /// <summary>The warning a tolerated failure becomes (JAULA_OPF_WARN): the session keyring's today.</summary>
    public static string Warning(RootfsOperation op, int errno) => op.Kind == RootfsOpKind.Keyring
        ? $"no session keyring of its own for the container: {KeyringError(op, errno).Message}"
        : $"{op.FieldName ?? op.Kind.ToString()}: {new ErrnoException(op.Kind.ToString().ToLowerInvariant(), op.Path, errno).Message}";

    private static ErrnoException KeyringError(RootfsOperation op, int errno) => new("keyctl(JOIN_SESSION_KEYRING)", op.Path, errno);

    /// <summary>Worded as the init's attach (PtyAttacher, then the /dev/console bind) did in C#.</summary>
    private static ContainerSetupException TerminalFailure(RootfsOperation op, int errno, RootfsStep step)
    {
        string field = op.FieldName ?? "process.terminal";
        string ptmx = op.Source ?? ProcessPlanCompiler.Ptmx, console = op.Path ?? ProcessPlanCompiler.ConsolePath;
        ErrnoException e;
        switch (step)
        {
            case RootfsStep.OpenPtmx or RootfsStep.UnlockPty:
                e = new ErrnoException(step == RootfsStep.OpenPtmx ? "open" : "ioctl(TIOCSPTLCK)", ptmx, errno);
                return new ContainerSetupException(field, $"cannot open a pty: {e.Message} (is devpts mounted on /dev/pts?)", e);
            case RootfsStep.Openat2 or RootfsStep.Mkdirat or RootfsStep.MissingParent or RootfsStep.Mount:
                // The bind target is opened (created if missing) as a file bind's is; the peer is bound on it by fd.
                e = new ErrnoException(step == RootfsStep.Mount ? "mount" : "openat2", console, errno);
                return new ContainerSetupException(field, $"cannot bind the pty on {console}: {e.Message}", e);
            case RootfsStep.SendConsole:
                // The parent is gone or stopped listening: as a failed send on the sync channel, no config field.
                e = new ErrnoException("sendmsg", null, errno);
                return new ContainerSetupException(null, e.Message, e);
        }
        e = new ErrnoException(step switch
        {
            RootfsStep.PtyPeer => "ioctl(TIOCGPTPEER)",
            RootfsStep.Winsize => "ioctl(TIOCSWINSZ)",
            RootfsStep.Setsid => "setsid",
            RootfsStep.Ctty => "ioctl(TIOCSCTTY)",
            RootfsStep.Dup2 => "dup2",
            _ => "terminal",
        }, null, errno);
        return new ContainerSetupException(field, e.Message, e);
    }

    /// <summary>The call ProcfsFile.Write would have named: open /proc, fstatfs, openat2 of the file, write.</summary>
    private static ErrnoException ProcWriteError(RootfsOperation op, int errno, RootfsStep step)
    {
        string relative = (op.Flags & RootfsOpFlags.ProcSelf) != 0 ? $"{ProcfsFile.Self}/{op.Path}" : op.Path ?? "";
        return step switch
        {
            RootfsStep.Open => new ErrnoException("open", "/proc", errno),
            RootfsStep.Statfs => new ErrnoException("fstatfs", null, errno),
            RootfsStep.NotProcfs => new ErrnoException("fstatfs", "/proc (not procfs)", errno),
            RootfsStep.Write => new ErrnoException("write", null, errno),
            _ => new ErrnoException("openat2", relative, errno),
        };
    }
}
