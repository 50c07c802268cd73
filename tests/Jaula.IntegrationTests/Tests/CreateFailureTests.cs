using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// create refuses bad input with exit 1 and a message naming the id, the config field or file, and the cause;
/// the shared cleanup then proves nothing was left behind (state dir, mounts, processes).
/// </summary>
public sealed class CreateFailureTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void A_missing_rootfs_is_named()
    {
        string id = NewId();
        Bundle bundle = NewBundle("true");
        Directory.Delete(bundle.RootfsDir, recursive: true);

        CommandResult result = Jaula.Create(id, bundle);

        result.ShouldFailWith("no such file").ShouldMentionAnyOf("root.path", bundle.RootfsDir);
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Theory]
    [InlineData("/bin/nosuch")]
    [InlineData("nosuch")]
    public void A_missing_executable_is_named(string executable)
    {
        string id = NewId();

        CommandResult result = Jaula.Create(id, NewBundle(executable));

        result.ShouldFailWith(executable).ShouldMentionAnyOf("not found", "no such file");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void An_unknown_filesystem_type_names_the_mount()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Config["mounts"]!.AsArray().Add((JsonNode)
            new JsonObject { ["destination"] = "/mnt", ["type"] = "nosuchfs", ["source"] = "none" }), "true");
        int index = bundle.Config["mounts"]!.AsArray().Count - 1;

        CommandResult result = Jaula.Create(id, bundle);

        result.ShouldFailWith($"mounts[{index}]", "no such device");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void Malformed_config_json_is_named()
    {
        string id = NewId();
        Bundle bundle = NewBundle("true");
        File.WriteAllText(bundle.ConfigPath, "{ \"ociVersion\": \"1.3.0\", ");

        CommandResult result = Jaula.Create(id, bundle);

        result.ShouldFailWith("config.json", "invalid", "json");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    public void A_hostile_id_is_refused_and_creates_nothing(string id)
    {
        AssertRefusedWithoutTrace(id);
    }

    [Fact]
    public void An_overlong_id_is_refused_and_creates_nothing()
    {
        AssertRefusedWithoutTrace(new string('x', 1024));
    }

    [Fact]
    public void A_duplicate_id_is_refused_and_the_first_container_survives()
    {
        string id = NewId();
        Jaula.Create(id, NewBundle("sleep", "60")).ShouldSucceed();
        int pid = Jaula.State(id).Pid;

        Jaula.Create(id, NewBundle("sleep", "60")).ShouldFailWith($"container with id exists: {id}");

        Jaula.State(id).Should().Match<ContainerState>(s => s.Status == "created" && s.Pid == pid);
    }

    private void AssertRefusedWithoutTrace(string id)
    {
        Bundle bundle = NewBundle("sleep", "60");
        string[] rootBefore = Directory.GetFileSystemEntries(Jaula.Root);

        CommandResult result = Jaula.Invoke("create", "--bundle", bundle.Dir, id);

        result.ExitCode.Should().Be(1, "{0}", result);
        if (id.Length > 0)
        {
            // a long value is echoed to its first 200 characters (issue 17: error lines stay short)
            result.Stderr.Should().Contain(id.Length <= 200 ? id : id[..200] + "…", "the error names the id: {0}", result);
            result.Stderr.Length.Should().BeLessThan(1024);
        }
        Directory.GetFileSystemEntries(StateRoot.Sandbox).Should().Equal([Jaula.Root], "nothing may be created beside the root");
        Directory.GetFileSystemEntries(Jaula.Root).Should().BeEquivalentTo(rootBefore, "nothing may be created in the root");
    }
}
