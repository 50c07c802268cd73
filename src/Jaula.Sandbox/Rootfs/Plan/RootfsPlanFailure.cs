using Jaula.Linux;
using Jaula.Sandbox.Process;

namespace Jaula.Sandbox.Rootfs.Plan;

/// <summary>JAULA_STEP_*: where in an operation the C executor failed.</summary>
public enum RootfsStep : uint
{
    None = 0,
    Openat2 = 1,
    Mkdirat = 2,
    Mount = 3,
    MoveMount = 4,
    MountSetattr = 5,
    Mknod = 6,
    Chown = 7,
    Chmod = 8,
    Unlink = 9,
    Symlink = 10,
    Statfs = 11,
    Fstat = 12,
    PivotRoot = 13,
    Chdir = 14,
    Chroot = 15,
    Umount = 16,
    SymlinkTarget = 17,
    MissingParent = 18,
    NotNull = 19,
    NoNull = 20,
    Open = 21,
    Setsid = 22,
    Sethostname = 23,
    Setdomainname = 24,
    NotProcfs = 25,
    Write = 26,
    Keyctl = 27,
    Prlimit = 28,
    CapBoundingDrop = 29,
    Getcwd = 30,
    OutsideRoot = 31,
    OpenPtmx = 32,
    UnlockPty = 33,
    PtyPeer = 34,
    Winsize = 35,
    Ctty = 36,
    Dup2 = 37,
    SendConsole = 38,
}

/// <summary>
/// Turns what the C executor reported — (operation index, errno, step) — into the error a user reads, naming the
/// config field the operation came from: "mounts[3]: mount proc on /proc (type proc): mount /proc: Permission denied".
/// </summary>
public static class RootfsPlanFailure
{
    public static ContainerSetupException Describe(RootfsPlan plan, int operation, int errno, RootfsStep step)
    {
        if (operation < 0 || operation >= plan.Operations.Count)
            return new ContainerSetupException(null, $"the rootfs plan failed at operation {operation} of {plan.Operations.Count}: {new ErrnoException("rootfs", null, errno).Message}");
        var op = plan.Operations[operation];
        if (op.Kind >= RootfsOpKind.Setsid)
            return ProcessPlanFailure.Describe(op, errno, step);
        switch (step)
        {
            case RootfsStep.NotNull:
                return new ContainerSetupException("linux.maskedPaths", "/dev/null in the container is not the null device (char 1:3); refusing to cover masked paths with it",
                    new ErrnoException("fstat", "/dev/null", errno));
            case RootfsStep.NoNull:
                return new ContainerSetupException("linux.maskedPaths", "/dev/null is missing in the container: masked files are covered with it",
                    new ErrnoException("openat2", "/dev/null", errno));
        }
        var cause = step switch
        {
            RootfsStep.SymlinkTarget => new ErrnoException("mount", $"{op.Path} (a symlink in the image; {op.FsType} is never mounted over a symlink)", errno),
            RootfsStep.MissingParent => new ErrnoException("openat2", $"{op.Path} (a symlink to a missing directory; it resolves inside the rootfs, not on the host)", errno),
            _ => new ErrnoException(CallOf(step), PathOf(op, step), errno),
        };
        string hint = op.Hints is not null && op.Hints.TryGetValue(errno, out var h) ? h : "";
        string message = op.Context is null ? cause.Message : $"{op.Context}: {cause.Message}";
        return new ContainerSetupException(op.FieldName, message + hint, cause);
    }

    private static string? PathOf(RootfsOperation op, RootfsStep step) => op.Kind switch
    {
        RootfsOpKind.Pivot when step is RootfsStep.Mount or RootfsStep.Umount => "the old root",
        RootfsOpKind.Symlink when step == RootfsStep.Symlink => $"{op.Source} at {op.Path}",
        _ => op.Path,
    };

    private static string CallOf(RootfsStep step) => step switch
    {
        RootfsStep.Openat2 => "openat2",
        RootfsStep.Mkdirat => "mkdirat",
        RootfsStep.Mount => "mount",
        RootfsStep.MoveMount => "move_mount",
        RootfsStep.MountSetattr => "mount_setattr",
        RootfsStep.Mknod => "mknod",
        RootfsStep.Chown => "lchown",
        RootfsStep.Chmod => "chmod",
        RootfsStep.Unlink => "unlink",
        RootfsStep.Symlink => "symlink",
        RootfsStep.Statfs => "statfs",
        RootfsStep.Fstat => "fstat",
        RootfsStep.PivotRoot => "pivot_root",
        RootfsStep.Chdir => "chdir",
        RootfsStep.Chroot => "chroot",
        RootfsStep.Umount => "umount2",
        RootfsStep.Open => "open",
        _ => "rootfs",
    };
}
