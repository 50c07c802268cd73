using Jaula.Linux;

namespace Jaula.Sandbox.Seccomp;

/// <summary>
/// Loads a filter from managed code: only a notifying one, before the init reports ready, because its listener fd
/// travels to the agent through the parent. Every other filter is loaded by the final phase in C
/// (native/final_phase.h), in runc's order, so no managed code runs under it.
/// </summary>
public static class SeccompInstaller
{
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
}
