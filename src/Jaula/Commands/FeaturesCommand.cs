using System.CommandLine;
using System.Text.Json;
using Jaula.Oci;
using Jaula.Runtime.Features;

namespace Jaula.Cli.Commands;

/// <summary>`features`: the features document, indented like runc prints it.</summary>
public static class FeaturesCommand
{
    public static Command Build()
    {
        var command = new Command("features", "print the features this runtime supports (JSON)");
        command.SetAction(result => CommandContext.Execute(result, "features", null, _ =>
        {
            Console.Out.Write(JsonSerializer.Serialize(FeaturesDocument.Build(), OciJson.Indented.Features) + "\n");
            return 0;
        }));
        return command;
    }
}
