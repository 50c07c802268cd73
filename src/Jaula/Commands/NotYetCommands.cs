using System.CommandLine;
using Jaula.Runtime;

namespace Jaula.Cli.Commands;

/// <summary>runc's other verbs: they parse (any arguments) and fail clearly until their issues land.</summary>
public static class NotYetCommands
{
    private static readonly (string Name, string Description)[] Verbs =
    [
        ("checkpoint", "checkpoint a container with criu"),
        ("restore", "restore a container from a checkpoint"),
    ];

    public static IEnumerable<Command> Build() => Verbs.Select(v => Build(v.Name, v.Description));

    private static Command Build(string name, string description)
    {
        var rest = new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore, Description = "the container id and the command's own arguments" };
        var command = new Command(name, description + " (not supported yet)") { TreatUnmatchedTokensAsErrors = false };
        command.Arguments.Add(rest);
        command.SetAction(result => CommandContext.Execute(result, name, null,
            _ => throw new JaulaException("not supported yet by this jaula build")));
        return command;
    }
}
