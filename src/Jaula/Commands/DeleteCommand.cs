using System.CommandLine;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

public static class DeleteCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var force = new Option<bool>("--force", "-f") { Description = "kill a running container first" };
        var command = new Command("delete", "remove a stopped container (or a created one)");
        command.Arguments.Add(id);
        command.Options.Add(force);
        command.SetAction(result => CommandContext.Execute(result, "delete", result.GetValue(id), context =>
        {
            new ContainerLifecycle(context.Store, context.Log).Delete(result.GetValue(id)!, result.GetValue(force));
            return 0;
        }));
        return command;
    }
}
