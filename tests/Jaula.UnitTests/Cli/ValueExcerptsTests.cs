using FluentAssertions;
using Jaula.Cli.Logging;
using Xunit;

namespace Jaula.UnitTests.Cli;

public class ValueExcerptsTests
{
    [Fact]
    public void A_short_line_is_kept() =>
        ValueExcerpts.Shorten("create c1: process.cwd: must be absolute").Should().Be("create c1: process.cwd: must be absolute");

    [Fact]
    public void A_long_quoted_value_keeps_200_characters_an_ellipsis_and_the_rest_of_the_line()
    {
        string line = ValueExcerpts.Shorten($"create c1: linux.namespaces[5].type: unknown type \"{new string('x', 100_000)}\": use one of a, b");
        line.Should().Contain(new string('x', 200) + "…").And.EndWith("\": use one of a, b").And.NotContain(new string('x', 201));
        line.Length.Should().BeLessThan(400);
    }

    [Fact]
    public void A_long_unquoted_run_is_cut_too() =>
        ValueExcerpts.Shorten($"create c1: linux.sysctl['{new string('k', 5000)}']: unknown").Length.Should().BeLessThan(400);

    [Fact]
    public void Many_long_values_still_give_at_most_about_1000_characters() =>
        ValueExcerpts.Shorten(string.Join(' ', Enumerable.Repeat(new string('v', 300), 50))).Length.Should().BeLessThanOrEqualTo(ValueExcerpts.MaxLine + 1);
}
