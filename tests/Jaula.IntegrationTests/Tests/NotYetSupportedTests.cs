using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>Config this build cannot honour is refused, naming the field; it is never silently ignored.</summary>
public sealed class NotYetSupportedTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    public static TheoryData<string, string> Fields => new()
    {
        { "process.terminal", """{"process":{"terminal":true}}""" },
        { "hooks", """{"hooks":{"prestart":[{"path":"/bin/true"}]}}""" },
        { "linux.resources", """{"linux":{"resources":{"memory":{"limit":104857600}}}}""" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void A_config_asking_for_an_unbuilt_feature_is_refused_naming_the_field(string field, string patch)
    {
        string id = NewId();
        using var bundle = NewBundle(b => Merge(b.Config, JsonNode.Parse(patch)!.AsObject()), "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, field, "not supported yet");
    }

    [Fact]
    public void The_console_socket_flag_is_refused()
    {
        string id = NewId();
        using var bundle = NewBundle("true");

        Jaula.Create(id, bundle, "--console-socket", "/tmp/jaula-it-no-socket").ShouldFailWith(id, "--console-socket", "not supported yet");
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
                Merge(existing, child);
            else
                target[key] = value?.DeepClone();
        }
    }
}
