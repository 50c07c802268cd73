using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.Conformance.Tests.Schemas;

/// <summary>What jaula prints for engines to parse, validated against the OCI runtime-spec's own JSON schemas.</summary>
public sealed class SchemaTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Spec_writes_a_config_valid_against_config_schema()
    {
        string dir = Directory.CreateTempSubdirectory("jaula-conf-spec-").FullName;
        try
        {
            Jaula.Invoke("spec", "--bundle", dir).ShouldSucceed();
            string json = File.ReadAllText(Path.Combine(dir, "config.json"));
            OciSchemas.Violations(OciSchemas.Config, json).Should().BeEmpty("`spec` must write a valid config: {0}", json);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void State_is_valid_when_created_running_and_stopped()
    {
        string id = NewId();
        Jaula.Create(id, NewBundle("sleep", "60")).ShouldSucceed();
        AssertStateValid(id, "created");
        Jaula.Start(id).ShouldSucceed();
        AssertStateValid(id, "running");
        Jaula.Kill(id, "KILL").ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");
        AssertStateValid(id, "stopped");
    }

    [Fact]
    public void List_json_is_an_array_of_valid_states()
    {
        string empty = Jaula.Invoke("list", "--format", "json").ShouldSucceed().Stdout;
        OciSchemas.Violations(OciSchemas.List, empty).Should().BeEmpty(empty);

        string created = NewId(), running = NewId();
        Jaula.Create(created, NewBundle("sleep", "60")).ShouldSucceed();
        Jaula.RunDetached(running, NewBundle("sleep", "60")).ShouldSucceed();
        string json = Jaula.Invoke("list", "--format", "json").ShouldSucceed().Stdout;

        OciSchemas.Violations(OciSchemas.List, json).Should().BeEmpty("`list --format json` must be valid: {0}", json);
        json.Should().Contain(created).And.Contain(running).And.Contain("\"created\"").And.Contain("\"running\"");
    }

    [Fact]
    public void Features_is_valid_against_features_schema()
    {
        string json = Jaula.Invoke("features").ShouldSucceed().Stdout;
        OciSchemas.Violations(OciSchemas.Features, json).Should().BeEmpty("`features` must be valid: {0}", json);
    }

    private void AssertStateValid(string id, string status)
    {
        string json = Jaula.StateRaw(id).ShouldSucceed().Stdout;
        OciSchemas.Violations(OciSchemas.State, json).Should().BeEmpty("state ({0}) must be valid: {1}", status, json);
        ((string?)System.Text.Json.Nodes.JsonNode.Parse(json)!["status"]).Should().Be(status, json);
    }
}
