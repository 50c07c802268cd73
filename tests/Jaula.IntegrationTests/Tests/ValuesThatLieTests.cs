using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// Issue 17, "values that lie": a value that reaches the kernel is the value in config.json, or it is refused with one
/// line naming the field. Each case is one of the issue's reproducers; the shared cleanup proves nothing is left behind.
/// </summary>
public sealed class ValuesThatLieTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void A_uid_of_4294967295_is_refused_not_run_as_root()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Process["user"] = new JsonObject { ["uid"] = 4294967295, ["gid"] = 4294967295 }, "id");

        CommandResult result = Jaula.Create(id, bundle);

        result.ShouldFailWith("process.user.uid", "0-2147483647", "4294967295");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Theory]
    [InlineData("additionalGids")]
    [InlineData("gid")]
    public void A_group_above_2147483647_is_refused(string field)
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Process["user"] = field == "gid"
            ? new JsonObject { ["uid"] = 0, ["gid"] = 2147483648 }
            : new JsonObject { ["uid"] = 0, ["gid"] = 0, ["additionalGids"] = new JsonArray(1, 4294967295) }, "id");

        CommandResult result = Jaula.Create(id, bundle);

        result.ShouldFailWith(field == "gid" ? "process.user.gid" : "process.user.additionalGids[1]", "0-2147483647");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Theory]
    [InlineData("--user", "4294967295")]
    [InlineData("--user", "0:4294967295")]
    [InlineData("--additional-gids", "4294967295")]
    public void Exec_refuses_an_id_above_2147483647(string flag, string value)
    {
        string id = NewId();
        Jaula.RunDetached(id, NewBundle("sleep", "600")).ShouldSucceed();

        CommandResult result = Jaula.Invoke("exec", flag, value, id, "id", "-u");

        result.ShouldFailWith("0-2147483647", "4294967295");
        result.Stdout.Should().NotContain("0\n", "nothing may run as root instead");
    }
}
