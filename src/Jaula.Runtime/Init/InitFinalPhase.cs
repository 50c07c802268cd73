using Jaula.Linux;
using Jaula.Sandbox.Process;

namespace Jaula.Runtime.Init;

/// <summary>
/// Builds the plan of the final phase in C (native/final_phase.h) from what the init decided, and hands over to it.
/// The plan is encoded before the init reports ready, so a plan that cannot be encoded fails `create`.
/// </summary>
internal static class InitFinalPhase
{
    /// <param name="fifoFd">The exec fifo (O_PATH, or open for writing with <paramref name="fifoOpen"/>), or -1 (exec).</param>
    /// <param name="reportFd">The sync socket while the parent listens for an ERROR frame (exec), else -1.</param>
    public static FinalPhasePlan Plan(InitPlan plan, ExecTarget target, InitSeccomp seccomp, int fifoFd, int reportFd,
        uint? personality, bool fifoOpen = false) => new()
    {
        Uid = target.Uid,
        Gid = target.Gid,
        Groups = target.Groups,
        SetGroups = target.SetGroups,
        Capabilities = target.Capabilities,
        NoNewPrivileges = target.NoNewPrivileges,
        Bpf = seccomp.ForFinalPhase?.Bpf ?? [],
        SeccompFlags = seccomp.ForFinalPhase?.Flags ?? 0,
        EarlyListener = seccomp.EarlyListener,
        FifoFd = fifoFd,
        FifoOpen = fifoOpen,
        ReportFd = reportFd,
        KeepFdsFrom = 3 + plan.PreserveFds,
        Personality = personality,
        Path = target.Path,
        ContainerId = plan.ContainerId,
        Argv = target.Argv,
        Env = target.Env,
    };

    /// <summary>
    /// Runs a plan encoded once, at create (<see cref="FinalPhasePlan.Encode"/>). Never returns once the C code accepted
    /// it; throws when it refused it as a whole.
    /// </summary>
    public static void Run(byte[] encoded, int pointerSlots) => FinalPhaseInterop.Run(encoded, pointerSlots);
}
