using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`create --log F --log-format json`: how containerd's shim learns why a create failed.</summary>
public sealed class CreateLogTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void A_failed_create_ends_the_log_with_an_error_naming_the_id_and_the_field()
    {
        string id = NewId();
        int index = -1;
        Bundle bundle = NewBundle(b => index = b.AddMount("/mnt", "none", "nosuchfs"), "true");
        string log = LogPath(id);

        CreateLogging(log, id, bundle).ShouldFailWith(id, $"mounts[{index}]");

        JsonObject last = JsonNode.Parse(File.ReadLines(log).Last(l => l.Length > 0))!.AsObject();
        ((string?)last["level"]).Should().Be("error");
        ((string)last["msg"]!).Should().Contain(id).And.Contain($"mounts[{index}]");
    }

    [Fact]
    public void A_successful_create_logs_no_error()
    {
        string id = NewId();
        string log = LogPath(id);

        CreateLogging(log, id, NewBundle("sleep", "60")).ShouldSucceed();

        string[] lines = File.Exists(log) ? File.ReadAllLines(log).Where(l => l.Length > 0).ToArray() : [];
        lines.Select(l => (string?)JsonNode.Parse(l)!["level"]).Should().NotContain("error");
    }

    private string LogPath(string id) => Path.Combine(StateRoot.Sandbox, $"log-{id}.json");

    private CommandResult CreateLogging(string log, string id, Bundle bundle)
    {
        Jaula.Track(id);
        return Jaula.InvokeRaw("--log", log, "--log-format", "json", "--root", Jaula.Root, "create", "--bundle", bundle.Dir, id);
    }
}
