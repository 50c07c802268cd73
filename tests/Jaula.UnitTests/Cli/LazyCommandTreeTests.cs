using System.CommandLine;
using FluentAssertions;
using Jaula.Cli;
using Xunit;

namespace Jaula.UnitTests.Cli;

/// <summary>A command line naming a verb builds only that verb; it must parse exactly as the whole tree does.</summary>
public class LazyCommandTreeTests
{
    private static readonly RootCommand Whole = JaulaCommandLine.Build();

    private static IEnumerable<Command> Verbs => Whole.Subcommands.Where(c => c.Name is not ("help" or "generate"));

    private static string Shape(Command command) =>
        string.Join(" ", command.Options.Select(o => o.Name + "/" + string.Join(",", o.Aliases.Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal))
        + " | " + string.Join(" ", command.Arguments.Select(a => a.Name));

    [Fact]
    public void Each_verb_alone_is_the_verb_of_the_whole_tree()
    {
        Verbs.Should().HaveCountGreaterThan(15);
        foreach (var verb in Verbs)
        {
            var lazy = JaulaCommandLine.Build(["--root", "/r", verb.Name, "x"]);
            lazy.Subcommands.Should().ContainSingle().Which.Name.Should().Be(verb.Name);
            Shape(lazy.Subcommands[0]).Should().Be(Shape(verb), verb.Name);
            Shape(lazy).Should().Be(Shape(Whole), "the root keeps every global flag");
        }
    }

    [Theory]
    [InlineData("--root", "/r", "--log-format=json", "--log", "/l", "create", "--bundle", "/b", "--pid-file", "/p", "c1")]
    [InlineData("--root", "/r", "exec", "-t", "--process", "/p.json", "c1")]
    [InlineData("--root", "/r", "kill", "--all", "c1", "KILL")]
    [InlineData("--root", "/r", "delete", "--force", "c1")]
    [InlineData("--root", "/r", "create", "--no-such-flag", "c1")]
    [InlineData("--root", "/r", "start")]
    public void A_command_line_parses_the_same_with_one_verb_or_all(params string[] args)
    {
        var lazy = JaulaCommandLine.Build(args).Parse(args);
        var whole = Whole.Parse(args);
        lazy.CommandResult.Command.Name.Should().Be(whole.CommandResult.Command.Name);
        lazy.Errors.Select(e => e.Message).Should().Equal(whole.Errors.Select(e => e.Message));
        lazy.Tokens.Select(t => t.Value).Should().Equal(whole.Tokens.Select(t => t.Value));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help", "start")]
    [InlineData("no-such-verb")]
    [InlineData("--version")]
    public void Without_a_known_verb_the_whole_tree_is_built(params string[] args)
    {
        JaulaCommandLine.Build(args).Subcommands.Select(c => c.Name).Should().Equal(Whole.Subcommands.Select(c => c.Name));
    }
}
