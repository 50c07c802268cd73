using System.CommandLine;
using Jaula.Linux;
using Jaula.Runtime;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

public static class KillCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var signal = new Argument<string>("signal") { Description = "number or name, with or without SIG", DefaultValueFactory = _ => "TERM" };
        var all = new Option<bool>("--all", "-a") { Description = "signal every process of the container" };
        var command = new Command("kill", "send a signal to the container's init (default SIGTERM)");
        command.Arguments.Add(id);
        command.Arguments.Add(signal);
        command.Options.Add(all);
        command.SetAction(result => CommandContext.Execute(result, "kill", result.GetValue(id), context =>
        {
            string text = result.GetValue(signal)!;
            if (!Signals.TryParse(text, out int number))
                throw new JaulaException($"unknown signal \"{text}\" (use a number or a name like TERM, SIGKILL, USR1)");
            new ContainerLifecycle(context.Store, context.Log).Kill(result.GetValue(id)!, number, result.GetValue(all));
            return 0;
        }));
        return command;
    }
}
