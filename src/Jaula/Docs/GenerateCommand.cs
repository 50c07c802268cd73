using System.CommandLine;

namespace Jaula.Cli.Docs;

/// <summary>
/// `jaula generate man DIR` and `jaula generate completion bash|zsh`: the packaging step writes the man pages and
/// completion scripts from the live command tree. Hidden: it is for packagers, not for engines.
/// </summary>
public static class GenerateCommand
{
    public static Command Build(RootCommand root)
    {
        var directory = new Argument<string>("directory") { Description = "where to write jaula.8 and jaula-VERB.8" };
        var man = new Command("man", "write the man pages") { directory };
        man.SetAction(result =>
        {
            string dir = result.GetValue(directory)!;
            Directory.CreateDirectory(dir);
            foreach (var (fileName, text) in ManPageWriter.AllPages(root, BuildInfo.Version))
                File.WriteAllText(Path.Join(dir, fileName), text);
            return 0;
        });

        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var completion = new Command("completion", "print a shell completion script") { shell };
        completion.SetAction(result =>
        {
            Console.Out.Write(result.GetValue(shell) == "zsh" ? CompletionWriter.Zsh(root) : CompletionWriter.Bash(root));
            return 0;
        });

        return new Command("generate", "write man pages or completion scripts (for packaging)") { man, completion, };
    }
}
