using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jaula.Oci.Tests;

public class ContainerStateTests
{
    [Fact]
    public void Created_state_satisfies_the_state_schema()
    {
        var json = JsonSerializer.Serialize(CreatedState(), OciJson.Compact.ContainerState);

        Schemas.Errors(Schemas.State, json).Should().BeEmpty();
    }

    [Fact]
    public void Created_state_is_written_with_runc_fields_in_runc_order()
    {
        var json = JsonSerializer.Serialize(CreatedState(), OciJson.Compact.ContainerState);

        json.Should().Be(
            """{"ociVersion":"1.3.0","id":"web","status":"created","pid":4422,"bundle":"/containers/web","rootfs":"/containers/web/rootfs","created":"2026-11-22T07:47:48.123456789Z","owner":"","annotations":{"com.example.key":"value"}}""");
    }

    [Fact]
    public void Stopped_state_without_pid_or_annotations_leaves_them_out_and_satisfies_the_schema()
    {
        var state = CreatedState();
        state.Status = ContainerStatus.Stopped;
        state.Pid = 0;
        state.Annotations = null;

        var json = JsonSerializer.Serialize(state, OciJson.Indented.ContainerState);

        var node = JsonNode.Parse(json)!.AsObject();
        node.ContainsKey("pid").Should().BeFalse();
        node.ContainsKey("annotations").Should().BeFalse();
        Schemas.Errors(Schemas.State, json).Should().BeEmpty();
    }

    public static TheoryData<string> GoodStates()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(TestPaths.SpecSchemaFolder, "test", "state", "good"), "*.json"))
        {
            data.Add(Path.GetFileName(path));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(GoodStates))]
    public void Good_state_examples_of_the_spec_parse(string name)
    {
        var json = File.ReadAllBytes(Path.Combine(TestPaths.SpecSchemaFolder, "test", "state", "good", name));

        var state = JsonSerializer.Deserialize(json, OciJson.Compact.ContainerState);

        state!.Id.Should().NotBeEmpty();
    }

    [Fact]
    public void State_reads_back_what_was_written()
    {
        var json = JsonSerializer.Serialize(CreatedState(), OciJson.Compact.ContainerState);

        var state = JsonSerializer.Deserialize(json, OciJson.Compact.ContainerState)!;

        state.Should().BeEquivalentTo(CreatedState());
    }

    [Fact]
    public void Process_state_for_a_seccomp_agent_nests_the_container_state()
    {
        var processState = new ContainerProcessState
        {
            OciVersion = OciSpecVersion.Current,
            Fds = ["seccompFd"],
            Pid = 4422,
            Metadata = "opaque",
            State = CreatedState(),
        };

        var node = JsonNode.Parse(JsonSerializer.Serialize(processState, OciJson.Compact.ContainerProcessState))!;

        node["fds"]![0]!.GetValue<string>().Should().Be("seccompFd");
        node["state"]!["id"]!.GetValue<string>().Should().Be("web");
    }

    private static ContainerState CreatedState() => new()
    {
        OciVersion = OciSpecVersion.Current,
        Id = "web",
        Status = ContainerStatus.Created,
        Pid = 4422,
        Bundle = "/containers/web",
        Rootfs = "/containers/web/rootfs",
        Created = Rfc3339Nano.Format(1795333668, 123456789),
        Owner = "",
        Annotations = new Dictionary<string, string> { ["com.example.key"] = "value" },
    };
}
