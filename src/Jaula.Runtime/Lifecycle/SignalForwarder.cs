using System.Runtime.InteropServices;
using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// runc's signal proxy for a foreground `run` or `exec`: the signals a terminal or an engine sends us go to the
/// container's process instead, through its pidfd so a reused pid is never hit.
/// </summary>
public sealed class SignalForwarder : IDisposable
{
    private static readonly int[] Forwarded = [1, 2, 3, 10, 12, 15, 28]; // HUP INT QUIT USR1 USR2 TERM WINCH

    private readonly List<PosixSignalRegistration> _registrations;

    public SignalForwarder(SafeFd pidfd, Action<int>? onSignal = null)
    {
        _registrations = Forwarded.Select(signal => PosixSignalRegistration.Create((PosixSignal)signal, context =>
        {
            context.Cancel = true;
            onSignal?.Invoke(signal);
            Sys.TryPidfdSendSignal(pidfd, signal);
        })).ToList();
    }

    public void Dispose() => _registrations.ForEach(r => r.Dispose());
}
