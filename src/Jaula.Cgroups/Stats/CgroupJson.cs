using System.Text.Json.Serialization;

namespace Jaula.Cgroups.Stats;

/// <summary>Source-generated JSON for events and the state record's cgroup part (no reflection under NativeAOT).</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CgroupEvent))]
[JsonSerializable(typeof(CgroupRecord))]
public partial class CgroupJson : JsonSerializerContext;
