using Jaula.Linux;
using Jaula.Sandbox.Terminal;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// `run`: create and start, then (unless detached) wait for the process like a shell would, forwarding the signals
/// a terminal or an engine sends us, and delete the container when it exits.
/// </summary>
public sealed class ContainerRunner(StateStore store, IRuntimeLog log)
{
    public int Run(CreateOptions options, bool detach)
    {
        if (!detach)
            Sys.SetChildSubreaper(); // as runc: processes the container leaves behind are reaped here, not by the engine
        var timer = new PhaseTimer(log); // create logs its own phases; these are run's
        var created = new ContainerCreator(store, log).Create(options);
        timer.Mark("run: create");
        var lifecycle = new ContainerLifecycle(store, log);
        try
        {
            lifecycle.Start(options.Id);
            timer.Mark("run: start");
        }
        catch (Exception e)
        {
            // A failing start hook has already removed the container.
            if (e is not Hooks.HookFailedException)
                lifecycle.Delete(options.Id, force: true);
            throw;
        }
        if (detach)
        {
            created.ConsoleMaster?.Dispose();
            timer.Total("run");
            return 0;
        }

        int status;
        var terminal = created.ConsoleMaster is { } master ? new ForegroundTerminal(master) : null;
        using (created.ConsoleMaster)
        using (new SignalForwarder(created.Init.PidFd, signal =>
        {
            if (signal == Signals.SIGWINCH)
                terminal?.Resize();
        }))
        {
            terminal?.Run();
            status = Sys.WaitForExit(created.Init.Pid);
        }
        timer.Mark("run: the process ran");
        lifecycle.Delete(options.Id, force: true); // the init is gone; this removes its state and any stray processes
        timer.Mark("run: delete");
        timer.Total("run");
        return status;
    }
}
