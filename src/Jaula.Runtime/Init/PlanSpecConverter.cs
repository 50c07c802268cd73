using System.Text.Json;
using System.Text.Json.Serialization;
using Jaula.Oci;

namespace Jaula.Runtime.Init;

/// <summary>The plan's spec on the wire, written and read with the OCI context's metadata (<see cref="PlanSpecConverter"/>).</summary>
[JsonConverter(typeof(PlanSpecConverter))]
public sealed record PlanSpec(Spec Spec);

/// <summary>
/// Writes and reads the plan's spec with the OCI context's metadata instead of a RuntimeJson copy of it. Building
/// System.Text.Json metadata for the whole Spec graph is the largest single cost of a NativeAOT `create` (perf: about
/// half of the parent's managed time went to configuring RuntimeJson's InitPlan, Spec graph included). The parent has
/// already built the OCI context's metadata to load config.json, so it is reused rather than built a second time. A
/// converter on a wrapper type (not on the property) is what keeps RuntimeJson from configuring the graph: a
/// property's own type is configured even when the property has a converter.
/// </summary>
public sealed class PlanSpecConverter : JsonConverter<PlanSpec>
{
    public override PlanSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(JsonSerializer.Deserialize(ref reader, OciJsonContext.Default.Spec) ?? throw new JsonException("spec: expected an object"));

    public override void Write(Utf8JsonWriter writer, PlanSpec value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.Spec, OciJsonContext.Default.Spec);
}
