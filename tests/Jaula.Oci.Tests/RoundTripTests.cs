using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jaula.Oci.Tests;

/// <summary>Serializing a parsed config gives back the same JSON: the model loses nothing it knows about.</summary>
public class RoundTripTests
{
    public static TheoryData<string> ValidConfigs => FixtureTests.ValidConfigs;

    [Fact]
    public void Spec_example_survives_a_round_trip()
    {
        var original = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.SpecTestConfigs("good"), "spec-example.json")))!;
        // The example still carries linux.resources.oomScoreAdj, which moved to process.oomScoreAdj before 1.0:
        // an unknown property now, so it is ignored on reading, as the spec requires.
        original["linux"]!["resources"]!.AsObject().Remove("oomScoreAdj");

        var written = RoundTrip(original.ToJsonString());

        JsonNode.DeepEquals(JsonNode.Parse(written), original).Should().BeTrue(written);
    }

    [Theory]
    [MemberData(nameof(ValidConfigs))]
    public void Valid_fixture_survives_a_round_trip(string name)
    {
        var json = File.ReadAllText(Path.Combine(TestPaths.Fixtures, "valid", name));

        var written = RoundTrip(json);

        JsonNode.DeepEquals(JsonNode.Parse(written), JsonNode.Parse(json)).Should().BeTrue(written);
    }

    [Fact]
    public void Indented_output_reads_back_the_same()
    {
        var spec = DefaultSpec.CreatePrivileged();

        var compact = JsonSerializer.Serialize(spec, OciJson.Compact.Spec);
        var tabbed = JsonSerializer.Serialize(spec, OciJson.TabIndented.Spec);
        var spaced = JsonSerializer.Serialize(spec, OciJson.Indented.Spec);

        tabbed.Should().Contain("\n\t\"ociVersion\"");
        spaced.Should().Contain("\n  \"ociVersion\"");
        compact.Should().NotContain("\n");
        RoundTrip(tabbed).Should().Be(compact);
        RoundTrip(spaced).Should().Be(compact);
    }

    [Fact]
    public void Unknown_properties_are_ignored()
    {
        const string json = """{"ociVersion":"1.3.0","futureField":{"x":[1]},"root":{"path":"rootfs","futureFlag":true}}""";

        var spec = SpecLoader.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), "future.json");

        spec.Root!.Path.Should().Be("rootfs");
    }

    [Fact]
    public void Other_platform_sections_are_kept_verbatim()
    {
        var json = File.ReadAllText(Path.Combine(TestPaths.SpecTestConfigs("good"), "freebsd-example.json"));

        var written = RoundTrip(json);

        JsonNode.DeepEquals(JsonNode.Parse(written)!["freebsd"], JsonNode.Parse(json)!["freebsd"]).Should().BeTrue();
    }

    [Fact]
    public void Unset_optional_fields_are_not_written()
    {
        var written = JsonSerializer.Serialize(new Spec { OciVersion = "1.3.0" }, OciJson.Compact.Spec);

        written.Should().Be("""{"ociVersion":"1.3.0"}""");
    }

    private static string RoundTrip(string json)
    {
        var spec = SpecLoader.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), "round-trip.json");
        return JsonSerializer.Serialize(spec, OciJson.Compact.Spec);
    }
}
