using Jaula.Sandbox.Seccomp;

namespace Jaula.Runtime.Init;

/// <summary>
/// The init's part of linux.seccomp: every filter is loaded by the final phase in C (native/final_phase.h), so no
/// managed code runs under it. A filter that notifies an agent is loaded there too, but early, while the parent still
/// listens on the sync socket: its listener fd travels to the agent through the parent (which copies it with
/// pidfd_getfd), and the parent is gone by the time of `start`.
/// </summary>
internal sealed class InitSeccomp(SeccompProgram? program)
{
    /// <summary>The program the final phase loads, or null for none.</summary>
    public SeccompProgram? ForFinalPhase => program;

    /// <summary>The filter notifies an agent: the final phase runs before READY (create) or waits for HAND_OVER (exec).</summary>
    public bool EarlyListener => program is { Listener: true };
}
