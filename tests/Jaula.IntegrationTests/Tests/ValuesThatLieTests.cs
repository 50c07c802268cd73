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

    [Theory]
    [InlineData("hostname")]
    [InlineData("mount")]
    [InlineData("env")]
    [InlineData("args")]
    [InlineData("root")]
    public void A_nul_character_is_refused_naming_the_field(string where)
    {
        string id = NewId();
        string field = "";
        Bundle bundle = NewBundle(b =>
        {
            switch (where)
            {
                case "hostname":
                    b.Config["hostname"] = "ab\0cd"; field = "hostname"; break;
                case "mount":
                    b.Config["mounts"]!.AsArray().Add((JsonNode)new JsonObject { ["destination"] = "/tmp/x\0y", ["type"] = "tmpfs", ["source"] = "tmpfs" });
                    field = $"mounts[{b.Config["mounts"]!.AsArray().Count - 1}].destination"; break;
                case "env":
                    b.Process["env"] = new JsonArray("A=b\0c"); field = "process.env[0]"; break;
                case "args":
                    b.Process["args"] = new JsonArray("tr\0ue"); field = "process.args[0]"; break;
                default:
                    b.Config["root"] = new JsonObject { ["path"] = "a\0b" }; field = "root.path"; break;
            }
        }, "true");

        CommandResult result = Jaula.Create(id, bundle);

        result.ShouldFailWith(field, "NUL").Stderr.Should().NotContain("internal error");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void A_null_inside_an_array_is_named_not_an_internal_error()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Config["mounts"]![1]!["options"] = new JsonArray(null, "ro"), "true");

        CommandResult result = Jaula.Create(id, bundle);

        result.ShouldFailWith("mounts[1].options[0]", "must not be null").Stderr.Should().NotContain("internal error");
    }

    [Fact]
    public void A_huge_value_is_echoed_in_at_most_a_few_hundred_characters()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["namespaces"]!.AsArray().Add((JsonNode)new JsonObject { ["type"] = new string('x', 100_000) }), "true");

        CommandResult result = Jaula.Create(id, bundle);

        result.ShouldFailWith("namespaces", "…");
        result.Stderr.Length.Should().BeLessThan(1024, "a value is echoed to at most ~200 characters: {0}", result.Stderr[..Math.Min(2000, result.Stderr.Length)]);
    }

    [Fact]
    public void A_10_MB_annotation_runs()
    {
        string value = new('a', 10 * 1024 * 1024);
        Bundle bundle = NewBundle(b => b.Config["annotations"] = new JsonObject { ["org.example.big"] = value, ["org.example.nul"] = "a\0b" }, "echo", "ran");

        CommandResult result = Jaula.Run(NewId(), bundle);

        result.ShouldSucceed().Stdout.Should().Be("ran\n");
    }

    [Theory]
    [InlineData("absent")]
    [InlineData("null")]
    [InlineData("empty")]
    public void A_container_without_mounts_runs_as_under_runc(string how)
    {
        Bundle bundle = NewBundle(b =>
        {
            if (how == "absent")
                b.Config.Remove("mounts");
            else
                b.Config["mounts"] = how == "null" ? null : new JsonArray();
        }, "echo", "ran");

        CommandResult result = Jaula.Run(NewId(), bundle);

        result.ShouldSucceed().Stdout.Should().Be("ran\n");
    }

    [Fact]
    public void A_pids_limit_of_0_is_refused_with_the_reason()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["resources"] = new JsonObject { ["pids"] = new JsonObject { ["limit"] = 0 } }, "true");

        Jaula.Create(id, bundle).ShouldFailWith("linux.resources.pids.limit", "init").Stderr.Should().NotContain("recvmsg");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Theory]
    [InlineData("fileMode")]
    [InlineData("rootfsPropagation")]
    public void Schema_invalid_values_are_refused_naming_the_field(string which)
    {
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            if (which == "fileMode")
                b.Linux["devices"] = new JsonArray(new JsonObject { ["path"] = "/dev/x", ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["fileMode"] = 99999 });
            else
                b.Linux["rootfsPropagation"] = "";
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(which == "fileMode" ? "linux.devices[0].fileMode" : "linux.rootfsPropagation");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void Exec_refuses_a_nul_in_its_process_file()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "600");
        Jaula.RunDetached(id, bundle).ShouldSucceed();
        string processFile = Path.Combine(bundle.Dir, "process.json");
        File.WriteAllText(processFile, """{"args":["tr\u0000ue"],"cwd":"/","user":{"uid":0,"gid":0}}""");

        Jaula.Invoke("exec", "--process", processFile, id).ShouldFailWith("process.args[0]", "NUL");
    }
}
