using System.CommandLine;
using Jaula.Cli.Commands;
using Jaula.Cli.Docs;

namespace Jaula.Cli;

/// <summary>The command tree: runc's verbs and global flags.</summary>
public static class JaulaCommandLine
{
    /// <summary>The verbs that need nothing of the others: a command line naming one builds only it.</summary>
    private static readonly Dictionary<string, Func<Command>> Verbs = new(StringComparer.Ordinal)
    {
        ["create"] = CreateCommand.Build,
        ["start"] = StartCommand.Build,
        ["run"] = RunCommand.Build,
        ["state"] = StateCommand.Build,
        ["kill"] = KillCommand.Build,
        ["delete"] = DeleteCommand.Build,
        ["list"] = ListCommand.Build,
        ["spec"] = SpecCommand.Build,
        ["check"] = CheckCommand.Build,
        ["exec"] = ExecCommand.Build,
        ["pause"] = PauseResumeCommands.BuildPause,
        ["resume"] = PauseResumeCommands.BuildResume,
        ["update"] = UpdateCommand.Build,
        ["events"] = EventsCommand.Build,
        ["ps"] = PsCommand.Build,
        ["features"] = FeaturesCommand.Build,
        ["checkpoint"] = CheckpointCommands.BuildCheckpoint,
        ["restore"] = CheckpointCommands.BuildRestore,
    };

    /// <summary>
    /// The tree for <paramref name="args"/>: the root, the global flags and only the verb they name (building all
    /// eighteen verbs' options was a tenth of a short command's managed time); the whole tree when they name none
    /// of them (help, the root's own flags, an unknown verb, which the parser words against all the verbs).
    /// </summary>
    public static RootCommand Build(string[] args) =>
        ExecArgv.VerbOf(args) is { } verb && Verbs.TryGetValue(verb, out var build) ? Root([build()]) : Build();

    /// <summary>The whole tree (help, man pages, completions).</summary>
    public static RootCommand Build()
    {
        RootCommand root = Root(Verbs.Values.Select(build => build()));
        root.Subcommands.Add(HelpCommand.Build(root));
        Command generate = GenerateCommand.Build(root);
        generate.Hidden = true;
        root.Subcommands.Add(generate);
        return root;
    }

    private static RootCommand Root(IEnumerable<Command> verbs)
    {
        var root = new RootCommand("jaula: an OCI container runtime (runc-compatible command line)");
        foreach (var builtIn in root.Options.OfType<VersionOption>().ToList())
            root.Options.Remove(builtIn); // ours prints runc's three lines
        GlobalOptions.AddTo(root);
        foreach (Command verb in verbs)
            root.Subcommands.Add(verb);
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
