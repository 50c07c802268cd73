using FluentAssertions;

namespace Jaula.IntegrationTests.Harness;

/// <summary>The two shapes every assertion on an invocation takes: it worked, or it failed and said why.</summary>
public static class CommandResultAssertions
{
    public static CommandResult ShouldSucceed(this CommandResult result)
    {
        result.ExitCode.Should().Be(0, "the command should succeed: {0}", result);
        return result;
    }

    /// <summary>Exit code 1 and a stderr mentioning every fragment (case-insensitive).</summary>
    public static CommandResult ShouldFailWith(this CommandResult result, params string[] fragments)
    {
        result.ExitCode.Should().Be(1, "the command should fail: {0}", result);
        foreach (string fragment in fragments)
        {
            result.Stderr.Should().ContainEquivalentOf(fragment, "the error should mention it: {0}", result);
        }
        return result;
    }

    /// <summary>The stderr mentions at least one of the alternatives (case-insensitive).</summary>
    public static CommandResult ShouldMentionAnyOf(this CommandResult result, params string[] alternatives)
    {
        alternatives.Should().Contain(
            a => result.Stderr.Contains(a, StringComparison.OrdinalIgnoreCase),
            "the error should mention one of [{0}]: {1}", string.Join(", ", alternatives), result);
        return result;
    }
}
