using Jaula.Linux;

namespace Jaula.Sandbox.Seccomp;

/// <summary>
/// Installs the compiled filter in the init, following runc's order. With no_new_privs the filter goes on last:
/// fused with execve in one native call (<see cref="InstallAndExec"/>), so none of jaula's own steps is filtered.
/// Without no_new_privs the kernel demands CAP_SYS_ADMIN, so it goes on before the user switch drops it
/// (<see cref="InstallsBeforeUserSwitch"/>). A filter that notifies an agent goes on before the init reports ready,
/// because the listener fd travels to the agent through the parent, which has exited by the time of execve.
/// </summary>
public static class SeccompInstaller
{
    public static bool InstallsBeforeUserSwitch(SeccompProgram? program, bool noNewPrivileges) =>
        program is not null && !noNewPrivileges;

    /// <summary>True when the filter must be installed before the init reports ready (see the class comment).</summary>
    public static bool InstallsBeforeReady(SeccompProgram? program, bool noNewPrivileges) =>
        program is not null && (!noNewPrivileges || program.Listener);

    /// <summary>Installs on the calling thread; returns the listener fd of a notifying filter.</summary>
    public static SafeFd? Install(SeccompProgram program)
    {
        try
        {
            return SeccompInterop.Install(program.Bpf, program.Flags);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException("linux.seccomp", $"installing the filter: {e.Message}", e);
        }
    }

    /// <summary>Installs the filter and execs; returns only by throwing (the ErrnoException of seccomp or execve).</summary>
    public static void InstallAndExec(SeccompProgram program, string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp) =>
        SeccompInterop.InstallAndExec(program.Bpf, program.Flags, path, argv, envp);
}
