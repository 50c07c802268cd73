using System.CommandLine;
using FluentAssertions;
using Jaula.Cli;
using Jaula.Cli.Docs;
using Xunit;

namespace Jaula.UnitTests.Cli;

/// <summary>The definitions the help, man pages and completions are generated from.</summary>
public class CommandDocumentationTests
{
    private static readonly RootCommand Root = JaulaCommandLine.Build();

    [Fact]
    public void Every_verb_flag_and_argument_has_a_one_line_description()
    {
        foreach (Command verb in CommandTree.Verbs(Root))
        {
            verb.Description.Should().NotBeNullOrWhiteSpace("verb {0} is described", verb.Name);
            foreach (Option option in CommandTree.OwnOptions(verb))
                option.Description.Should().NotBeNullOrWhiteSpace("{0} {1} is described", verb.Name, option.Name).And.NotContain("\n");
            foreach (Argument argument in verb.Arguments)
                argument.Description.Should().NotBeNullOrWhiteSpace("{0}'s argument {1} is described", verb.Name, argument.Name);
        }
        CommandTree.GlobalOptions(Root).Should().OnlyContain(o => !string.IsNullOrWhiteSpace(o.Description));
    }

    [Fact]
    public void The_generate_command_is_hidden_from_help_and_documents()
    {
        CommandTree.Verbs(Root).Select(v => v.Name).Should().NotContain("generate").And.Contain(["create", "check"]);
    }

    [Fact]
    public void A_verb_page_lists_every_spelling_of_every_flag()
    {
        Command create = Root.Subcommands.Single(c => c.Name == "create");

        string page = ManPageWriter.VerbPage(create, "1.0");

        page.Should().StartWith(".TH \"JAULA-CREATE\" \"8\"");
        foreach (string spelling in CommandTree.OwnOptions(create).SelectMany(CommandTree.Spellings))
            page.Should().Contain($"\\fB{ManPageWriter.Escape(spelling)}\\fR");
    }

    [Theory]
    [InlineData("a-b", "a\\-b")]
    [InlineData("back\\slash", "back\\eslash")]
    [InlineData(".starts with a dot", "\\&.starts with a dot")]
    [InlineData("'quote", "\\&'quote")]
    public void Troff_text_is_escaped(string text, string expected) => ManPageWriter.Escape(text).Should().Be(expected);

    [Fact]
    public void Bool_flags_take_no_value_in_documents()
    {
        Command create = Root.Subcommands.Single(c => c.Name == "create");

        CommandTree.TakesValue(create.Options.Single(o => o.Name == "--no-pivot")).Should().BeFalse();
        CommandTree.TakesValue(create.Options.Single(o => o.Name == "--bundle")).Should().BeTrue();
    }
}
