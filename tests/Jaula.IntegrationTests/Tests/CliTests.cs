using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>The command line itself: version, help, unknown verbs.</summary>
public sealed class CliTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Version_prints_runtime_commit_and_spec_lines()
    {
        string[] lines = Jaula.InvokeRaw("--version").ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Should().Contain(l => l.StartsWith("jaula version ") && l.Length > "jaula version ".Length);
        lines.Should().Contain(l => l.StartsWith("commit: ") && l.Length > "commit: ".Length);
        lines.Should().Contain("spec: 1.3.0");
        lines.Should().Contain(l => l.StartsWith("dotnet: 10."), "the binary is built on .NET 10");
    }

    [Fact]
    public void Help_lists_the_verbs()
    {
        string help = Jaula.InvokeRaw("--help").ShouldSucceed().Stdout;

        help.Should().ContainAll("create", "start", "state", "kill", "delete", "run", "list", "spec");
    }

    [Fact]
    public void Help_for_a_verb_describes_its_flags()
    {
        Jaula.InvokeRaw("help", "create").ShouldSucceed().Stdout.Should().ContainAll("--bundle", "--pid-file", "--console-socket");
    }

    [Fact]
    public void An_unknown_verb_fails_and_names_it()
    {
        CommandResult result = Jaula.Invoke("frobnicate");

        result.ExitCode.Should().NotBe(0);
        result.Stderr.Should().Contain("frobnicate", "{0}", result);
    }
}
