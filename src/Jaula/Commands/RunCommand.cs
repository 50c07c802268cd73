using System.CommandLine;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

public static class RunCommand
{
    public static Command Build()
    {
        var flags = new CreateFlags();
        var detach = new Option<bool>("--detach", "-d") { Description = "return once the process runs" };
        var command = new Command("run", "create and start a container; wait for its process and return its exit status");
        flags.AddTo(command);
        command.Options.Add(detach);
        command.SetAction(result => CommandContext.Execute(result, "run", result.GetValue(flags.Id), context =>
        {
            bool detached = result.GetValue(detach);
            return new ContainerRunner(context.Store, context.Log).Run(flags.Read(result) with { Foreground = !detached }, detached);
        }));
        return command;
    }
}
