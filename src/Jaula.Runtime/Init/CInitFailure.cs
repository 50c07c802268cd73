using Jaula.Linux;
using Jaula.Sandbox;
using Jaula.Sandbox.Process;
using Jaula.Sandbox.Rootfs.Plan;

namespace Jaula.Runtime.Init;

/// <summary>
/// Words what the C init reported (native/c_init.c: step "c-init", the kind in "path") as the managed init words the
/// same thing: a rootfs or process operation through <see cref="RootfsPlanFailure"/> (a warning through
/// <see cref="ProcessPlanFailure.Warning"/>) with the plan the parent compiled, args[0] as
/// <see cref="ExecutableResolver"/>, the rest as the ErrnoException the managed step would throw.
/// </summary>
public static class CInitFailure
{
    public const string Step = "c-init";

    /// <summary>The user's message, or null when the report is not the C init's.</summary>
    public static string? Describe(InitError error, CInitProgram program)
    {
        if (error.Step != Step)
            return null;
        int errno = error.Errno;
        return error.Path switch
        {
            "rootfs" => RootfsPlanFailure.Describe(program.Rootfs, error.Op ?? -1, errno, (RootfsStep)(uint)(error.RootfsStep ?? 0)).Message,
            "args0-missing" => Field("process.args[0]", ExecutableResolver.Missing(program.Name)),
            "args0-directory" => Field("process.args[0]", ExecutableResolver.IsDirectory(program.Name)),
            "args0-denied" => Field("process.args[0]", ExecutableResolver.NotExecutable(program.Name, (uint)(error.Uid ?? 0))),
            "args0-not-in-path" => Field("process.args[0]", ExecutableResolver.NotInPath(program.Name, program.SearchPath)),
            "fd-dir" => Errno("open", "/proc/self/fd", errno),
            "pdeathsig" => Errno("prctl(PR_SET_PDEATHSIG)", null, errno),
            "decode" => $"the C init refused the program {(program.Exec ? "exec" : "create")} sent it: {Errno("decode", null, errno)}",
            // exec's entry into the container, worded as ExecProgram's calls
            "exec-fd" => "InvalidDataException: the exec plan came without the container's " + (program.ExecChroot ? "root directory" : "mount namespace"),
            "setns" => Errno("setns", null, errno),
            "chroot" => error.Op switch
            {
                0 => Errno("fchdir", null, errno),
                1 => Errno("chroot", ".", errno),
                _ => Errno("chdir", "/", errno),
            },
            "cloexec" => Errno("fcntl(F_SETFD)", null, errno),
            "rootfs-pause" => "the rootfs plan paused for work the C init does not do",
            _ => $"the C init failed ({error.Path}): {Errno("sync", null, errno)}",
        };
    }

    /// <summary>A WARNING frame's text: the C init's (a tolerated operation, e.g. the keyring) worded, else as sent.</summary>
    public static string Warning(byte[] payload, CInitProgram program)
    {
        if (payload.Length > 0 && payload[0] == (byte)'{' && InitError.TryDecode(payload) is { Step: Step, Path: "warning", Op: int op } w
            && op >= 0 && op < program.Rootfs.Operations.Count)
            return ProcessPlanFailure.Warning(program.Rootfs.Operations[op], w.Errno);
        return System.Text.Encoding.UTF8.GetString(payload);
    }

    private static string Field(string field, string cause) => new ContainerSetupException(field, cause).Message;

    private static string Errno(string call, string? path, int errno) => new ErrnoException(call, path, errno).Message;
}

/// <summary>The C init's reports for one container, worded with the program create sent it.</summary>
public sealed class CInitReports(CInitProgram program)
{
    public string? Describe(InitError error) => CInitFailure.Describe(error, program);

    public string Warning(byte[] payload) => CInitFailure.Warning(payload, program);
}
