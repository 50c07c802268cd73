using System.CommandLine;

namespace Jaula.Cli.Commands;

/// <summary>`jaula help [command]`, as runc has it: the same text as `--help`.</summary>
public static class HelpCommand
{
    public static Command Build(RootCommand root)
    {
        var topic = new Argument<string?>("command") { Arity = ArgumentArity.ZeroOrOne, Description = "the command to describe" };
        var command = new Command("help", "show help for jaula or one command");
        command.Arguments.Add(topic);
        command.SetAction(result =>
        {
            string? name = result.GetValue(topic);
            if (name is not null && root.Subcommands.All(c => c.Name != name))
            {
                Console.Error.WriteLine($"jaula: no help topic for \"{name}\"");
                return 1;
            }
            string[] args = name is null ? ["--help"] : [name, "--help"];
            return root.Parse(args).Invoke();
        });
        return command;
    }
}
