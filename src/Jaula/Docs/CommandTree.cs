using System.CommandLine;

namespace Jaula.Cli.Docs;

/// <summary>
/// The command line as the man pages and completion scripts see it, read from the very objects the parser uses so
/// the documents cannot drift from the flags.
/// </summary>
public static class CommandTree
{
    /// <summary>The visible verbs, in the order --help lists them.</summary>
    public static IEnumerable<Command> Verbs(RootCommand root) => root.Subcommands.Where(c => !c.Hidden);

    /// <summary>The root's own flags that every verb accepts (runc's global options).</summary>
    public static IEnumerable<Option> GlobalOptions(RootCommand root) =>
        root.Options.Where(o => !o.Hidden && (o.Recursive || o.Name == "--version") && !IsHelp(o));

    /// <summary>A verb's own flags, without the recursive ones it inherits and without --help.</summary>
    public static IEnumerable<Option> OwnOptions(Command command) =>
        command.Options.Where(o => !o.Hidden && !o.Recursive && !IsHelp(o));

    /// <summary>Every spelling of a flag: "-b", "--bundle".</summary>
    public static IEnumerable<string> Spellings(Option option) =>
        option.Aliases.Append(option.Name).Distinct().OrderBy(s => s.StartsWith("--") ? 1 : 0).ThenBy(s => s, StringComparer.Ordinal);

    /// <summary>Whether the flag is followed by a value (bool flags, which only may take one, are not).</summary>
    public static bool TakesValue(Option option) => option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;

    /// <summary>What the value is called in usage text: the flag's help name, else its own name ("pid-file").</summary>
    public static string ValueName(Option option) => option.HelpName ?? option.Name.TrimStart('-');

    /// <summary>"jaula create [options] container-id".</summary>
    public static string Usage(Command command)
    {
        string options = OwnOptions(command).Any() ? " [options]" : "";
        string arguments = string.Concat(command.Arguments.Where(a => !a.Hidden).Select(a =>
            a.Arity.MinimumNumberOfValues == 0 ? $" [{a.Name}]" : $" {a.Name}"));
        return $"jaula [global options] {command.Name}{options}{arguments}";
    }

    private static bool IsHelp(Option option) => option is System.CommandLine.Help.HelpOption;
}
