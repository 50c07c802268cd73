using System.CommandLine;
using System.Text.Json;
using Jaula.Oci;
using Jaula.Runtime.Lifecycle;

namespace Jaula.Cli.Commands;

public static class StateCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("container-id") { Description = "the container's id" };
        var command = new Command("state", "print the container's state as JSON");
        command.Arguments.Add(id);
        command.SetAction(result => CommandContext.Execute(result, "state", result.GetValue(id), context =>
        {
            var state = new ContainerLifecycle(context.Store, context.Log).State(result.GetValue(id)!);
            Console.Out.WriteLine(JsonSerializer.Serialize(state, OciJson.Indented.ContainerState));
            return 0;
        }));
        return command;
    }
}
