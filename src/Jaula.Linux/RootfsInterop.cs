using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>struct jaula_rootfs_status (native/rootfs_plan.h): kept by the caller across the plan's pauses.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct RootfsStatus
{
    public uint NextOp;
    public int RootFd;
    public int NullFd;
    public int FailedOp;
    public int Err;
    public uint Step;
    public uint Pause;
    public int FdA;
    public int FdB;
    public int WarnOp;
    public int WarnErr;
    public uint WarnStep;

    public static RootfsStatus Start => new() { RootFd = -1, NullFd = -1, FailedOp = -1, FdA = -1, FdB = -1, WarnOp = -1 };
}

/// <summary>
/// The rootfs executor in C (native/rootfs_plan_exec.c): runs a plan RootfsPlan in Jaula.Sandbox encoded. Only the
/// AOT binary links it.
/// </summary>
public static unsafe partial class RootfsInterop
{
    [LibraryImport("libjaulastage", EntryPoint = "jaula_rootfs_run")]
    private static partial int NativeRun(byte* plan, uint length, RootfsStatus* status);

    /// <summary>0 when every operation ran, 1 at a pause, -1 when one failed (status says which); throws when the plan does not decode.</summary>
    public static int Run(byte[] plan, ref RootfsStatus status)
    {
        int rc;
        fixed (byte* p = plan)
        fixed (RootfsStatus* s = &status)
            rc = NativeRun(p, (uint)plan.Length, s);
        if (rc < -1)
            throw new ErrnoException("jaula_rootfs_run", "the rootfs plan", -rc);
        return rc;
    }
}
