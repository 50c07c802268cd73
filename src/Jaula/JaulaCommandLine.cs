using System.CommandLine;
using Jaula.Cli.Commands;
using Jaula.Cli.Docs;

namespace Jaula.Cli;

/// <summary>The command tree: runc's verbs and global flags.</summary>
public static class JaulaCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("jaula: an OCI container runtime (runc-compatible command line)");
        foreach (var builtIn in root.Options.OfType<VersionOption>().ToList())
            root.Options.Remove(builtIn); // ours prints runc's three lines
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(CreateCommand.Build());
        root.Subcommands.Add(StartCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(StateCommand.Build());
        root.Subcommands.Add(KillCommand.Build());
        root.Subcommands.Add(DeleteCommand.Build());
        root.Subcommands.Add(ListCommand.Build());
        root.Subcommands.Add(SpecCommand.Build());
        root.Subcommands.Add(CheckCommand.Build());
        root.Subcommands.Add(ExecCommand.Build());
        root.Subcommands.Add(PauseResumeCommands.BuildPause());
        root.Subcommands.Add(PauseResumeCommands.BuildResume());
        root.Subcommands.Add(UpdateCommand.Build());
        root.Subcommands.Add(EventsCommand.Build());
        root.Subcommands.Add(PsCommand.Build());
        root.Subcommands.Add(FeaturesCommand.Build());
        root.Subcommands.Add(CheckpointCommands.BuildCheckpoint());
        root.Subcommands.Add(CheckpointCommands.BuildRestore());
        root.Subcommands.Add(HelpCommand.Build(root));
        Command generate = GenerateCommand.Build(root);
        generate.Hidden = true;
        root.Subcommands.Add(generate);
        root.SetAction(result =>
        {
            if (result.GetValue(GlobalOptions.Version))
            {
                Console.Out.Write(VersionText());
                return 0;
            }
            Console.Error.WriteLine("jaula: no command given; see `jaula --help`");
            return 1;
        });
        return root;
    }

    // runc's three lines, then the toolchain as runc prints go's: the .NET runtime compiled into the binary.
    public static string VersionText() =>
        $"jaula version {BuildInfo.Version}\ncommit: {BuildInfo.Commit}\nspec: {Jaula.Oci.OciSpecVersion.Current}\n" +
        $"dotnet: {Environment.Version}\n";
}
