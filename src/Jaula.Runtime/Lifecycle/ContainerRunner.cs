using System.Runtime.InteropServices;
using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// `run`: create and start, then (unless detached) wait for the process like a shell would, forwarding the signals
/// a terminal or an engine sends us, and delete the container when it exits.
/// </summary>
public sealed class ContainerRunner(StateStore store, IRuntimeLog log)
{
    private static readonly int[] ForwardedSignals = [1, 2, 3, 10, 12, 15, 28]; // HUP INT QUIT USR1 USR2 TERM WINCH

    public int Run(CreateOptions options, bool detach)
    {
        var created = new ContainerCreator(store, log).Create(options);
        var lifecycle = new ContainerLifecycle(store, log);
        try
        {
            lifecycle.Start(options.Id);
        }
        catch (Exception e)
        {
            // A failing start hook has already removed the container.
            if (e is not Hooks.HookFailedException)
                lifecycle.Delete(options.Id, force: true);
            throw;
        }
        if (detach)
            return 0;

        int status;
        using (Forward(created.Init))
            status = Sys.WaitForExit(created.Init.Pid);
        lifecycle.Delete(options.Id, force: true); // the init is gone; this removes its state and any stray processes
        return status;
    }

    private static IDisposable Forward(SpawnedInit init)
    {
        var registrations = ForwardedSignals.Select(signal => PosixSignalRegistration.Create((PosixSignal)signal, context =>
        {
            context.Cancel = true;
            Sys.TryPidfdSendSignal(init.PidFd, signal);
        })).ToList();
        return new Registrations(registrations);
    }

    private sealed class Registrations(List<PosixSignalRegistration> items) : IDisposable
    {
        public void Dispose() => items.ForEach(r => r.Dispose());
    }
}
