using System.CommandLine;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

public static class StartCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var command = new Command("start", "run the user process of a created container");
        command.Arguments.Add(id);
        command.SetAction(result => CommandContext.Execute(result, "start", result.GetValue(id), context =>
        {
            new ContainerLifecycle(context.Store, context.Log).Start(result.GetValue(id)!);
            return 0;
        }));
        return command;
    }
}
