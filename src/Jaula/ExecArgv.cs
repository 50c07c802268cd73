using System.CommandLine;
using Jaula.Cli.Commands;
using Jaula.Cli.Docs;

namespace Jaula.Cli;

/// <summary>
/// runc stops reading exec's flags at the container id: in `jaula exec c1 ps -ef` the `-ef` is ps's. The parser would
/// take it as a flag of ours, so a `--` goes in right after the id and everything behind it stays an argument.
/// </summary>
public static class ExecArgv
{
    public static string[] Normalize(string[] args)
    {
        int verb = FindVerb(args);
        if (verb < 0 || args[verb] != "exec")
            return args;
        var valued = new HashSet<string>(ExecCommand.All.Concat(GlobalValuedOptions()).Where(TakesValue)
            .SelectMany(CommandTree.Spellings));
        for (int i = verb + 1; i < args.Length; i++)
        {
            string token = args[i];
            if (token == "--")
                return args; // the caller marked the end of the flags already
            if (token.StartsWith('-') && token.Length > 1)
            {
                if (valued.Contains(token))
                    i++; // its value follows as the next token
                continue;
            }
            // The container id: the command starts after it.
            return i + 1 < args.Length && args[i + 1] == "--" ? args : [.. args[..(i + 1)], "--", .. args[(i + 1)..]];
        }
        return args;
    }

    /// <summary>The verb: the first token that is not a global flag or a global flag's value; null when there is none.</summary>
    public static string? VerbOf(string[] args) => FindVerb(args) is var i and >= 0 ? args[i] : null;

    /// <summary>The first token that is not a global flag or a global flag's value.</summary>
    private static int FindVerb(string[] args)
    {
        var valued = GlobalValuedSpellings;
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith('-'))
                return i;
            if (valued.Contains(args[i]))
                i++;
        }
        return -1;
    }

    private static IEnumerable<Option> GlobalValuedOptions() => GlobalOptions.All.Where(TakesValue);

    /// <summary>Built once: Normalize and the command tree (JaulaCommandLine.Build) both look for the verb.</summary>
    private static readonly HashSet<string> GlobalValuedSpellings = new(GlobalValuedOptions().SelectMany(CommandTree.Spellings));

    private static bool TakesValue(Option option) => CommandTree.TakesValue(option);
}
