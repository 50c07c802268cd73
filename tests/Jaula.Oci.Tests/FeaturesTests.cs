using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jaula.Oci.Tests;

public class FeaturesTests
{
    [Fact]
    public void Runc_features_example_round_trips_and_satisfies_the_schema()
    {
        var json = File.ReadAllText(Path.Combine(TestPaths.SpecTestFeatures("good"), "runc.json"));

        var features = JsonSerializer.Deserialize(json, OciJson.Compact.Features)!;
        var written = JsonSerializer.Serialize(features, OciJson.Compact.Features);

        features.Linux!.Seccomp!.Actions.Should().NotBeEmpty();
        JsonNode.DeepEquals(JsonNode.Parse(written), JsonNode.Parse(json)).Should().BeTrue(written);
        Schemas.Errors(Schemas.Features, written).Should().BeEmpty();
    }

    [Fact]
    public void Missing_version_bounds_are_refused()
    {
        var json = File.ReadAllText(Path.Combine(TestPaths.SpecTestFeatures("bad"), "missing-ociVersionMax.json"));

        var act = () => JsonSerializer.Deserialize(json, OciJson.Compact.Features);

        act.Should().Throw<JsonException>();
    }
}
