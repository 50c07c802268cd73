using System.CommandLine;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

public static class CreateCommand
{
    public static Command Build()
    {
        var flags = new CreateFlags();
        var command = new Command("create", "create a container from a bundle; its process waits for `start`");
        flags.AddTo(command);
        command.SetAction(result => CommandContext.Execute(result, "create", result.GetValue(flags.Id), context =>
        {
            var created = new ContainerCreator(context.Store, context.Log).Create(flags.Read(result));
            created.Init.PidFd.Dispose();
            return 0;
        }));
        return command;
    }
}
