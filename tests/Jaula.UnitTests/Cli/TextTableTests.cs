using FluentAssertions;
using Jaula.Cli.Commands;
using Xunit;

namespace Jaula.UnitTests.Cli;

public class TextTableTests
{
    [Fact]
    public void Pads_columns_to_the_widest_cell() =>
        TextTable.Format(["ID", "PID"], [["container-1", "42"], ["c2", "7"]])
            .Should().Be("ID            PID\ncontainer-1   42\nc2            7\n");
}
