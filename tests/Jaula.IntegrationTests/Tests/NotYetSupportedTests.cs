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
        { "mounts[].uidMappings", """{"mounts":[{"destination":"/m","type":"bind","source":"/tmp","options":["bind"],"uidMappings":[{"containerID":0,"hostID":1000,"size":1}],"gidMappings":[{"containerID":0,"hostID":1000,"size":1}]}]}""" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void A_config_asking_for_an_unbuilt_feature_is_refused_naming_the_field(string field, string patch)
    {
        string id = NewId();
        using var bundle = NewBundle(b => Merge(b.Config, JsonNode.Parse(patch)!.AsObject()), "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, field, "not supported yet");
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
