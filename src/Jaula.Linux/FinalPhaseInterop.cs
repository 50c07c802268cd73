using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>
/// The init's final phase in C (native/final_phase.h): exec fifo, credentials, capabilities, no_new_privs, the seccomp
/// filter and execve, run from a flat plan (FinalPhasePlan in Jaula.Sandbox encodes it). Only the AOT binary links it.
/// </summary>
public static unsafe partial class FinalPhaseInterop
{
    [LibraryImport("libjaulastage", EntryPoint = "jaula_final_run")]
    private static partial int NativeRun(byte* plan, uint length, nint* scratch, uint slots);

    /// <summary>
    /// Runs the plan on the calling thread. Never returns once the plan decoded: the process execs, or exits with
    /// 127/126 after the C code reported why. Returns only by throwing, when the plan was refused as a whole.
    /// </summary>
    /// <param name="plan">The encoded plan; 8-aligned (a byte[]'s data is).</param>
    /// <param name="pointerSlots">Room for argv and envp pointers: argc + envc + 2.</param>
    public static void Run(byte[] plan, int pointerSlots)
    {
        var scratch = new nint[pointerSlots];
        fixed (byte* p = plan)
        fixed (nint* s = scratch)
        {
            int rc = NativeRun(p, (uint)plan.Length, s, (uint)scratch.Length);
            throw new ErrnoException("jaula_final_run", "the final phase's plan", -rc);
        }
    }
}
