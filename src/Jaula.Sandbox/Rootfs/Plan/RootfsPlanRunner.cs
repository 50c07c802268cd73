using Jaula.Linux;
using Jaula.Sandbox.Process;

namespace Jaula.Sandbox.Rootfs.Plan;

/// <summary>
/// Runs a rootfs plan through the C executor, handing control back to C# at its pauses: a tmpcopyup's copy (done
/// here, <see cref="TmpCopyUp"/>), and the moments the init has work of its own (hooks, the idmapped trees, the process
/// attributes still set in C#). A failure an operation may only warn about (the session keyring) is collected in
/// <see cref="Warnings"/>.
/// </summary>
public sealed class RootfsPlanRunner(RootfsPlan plan)
{
    private readonly byte[] _encoded = plan.Encode();
    private RootfsStatus _status = RootfsStatus.Start;

    public RootfsPlan Plan { get; } = plan;

    /// <summary>The warnings the tolerated failures of operations flagged Warn became, in the order they came.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Runs up to the next pause the caller handles (BeforePivot, AfterPivot) or to the end; returns which.</summary>
    public RootfsPause RunToPause()
    {
        while (true)
        {
            int rc = RootfsInterop.Run(_encoded, ref _status);
            if (_status.WarnOp >= 0 && _status.WarnOp < Plan.Operations.Count)
                Warnings.Add(ProcessPlanFailure.Warning(Plan.Operations[_status.WarnOp], _status.WarnErr));
            if (rc == 0)
                return RootfsPause.None;
            if (rc < 0)
                throw RootfsPlanFailure.Describe(Plan, _status.FailedOp, _status.Err, (RootfsStep)_status.Step);
            var pause = (RootfsPause)_status.Pause;
            if (pause != RootfsPause.CopyUp)
                return pause;
            CopyUp();
        }
    }

    /// <summary>Runs the plan to its end; a pause here is an error of the caller.</summary>
    public void RunToEnd()
    {
        var pause = RunToPause();
        if (pause != RootfsPause.None)
            throw new InvalidOperationException($"the rootfs plan paused ({pause}) where it was to run to its end");
    }

    private void CopyUp()
    {
        using var below = SafeFd.Own(_status.FdA);
        using var top = SafeFd.Own(_status.FdB);
        int op = (int)_status.NextOp - 1;
        try
        {
            TmpCopyUp.Copy(below.ProcPath, top.ProcPath);
        }
        catch (Exception e) when (e is ErrnoException or IOException or UnauthorizedAccessException)
        {
            var failed = Plan.Operations[op];
            throw new ContainerSetupException(failed.FieldName, $"{failed.Context}: copying the old content up (tmpcopyup): {e.Message}", e);
        }
    }
}
