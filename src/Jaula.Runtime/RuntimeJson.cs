using System.Text.Json.Serialization;
using Jaula.Runtime.Init;

namespace Jaula.Runtime;

/// <summary>Source-generated JSON for the runtime's own documents (no reflection under NativeAOT).</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(MadeRecord))]
[JsonSerializable(typeof(InitPlan))]
[JsonSerializable(typeof(InitError))]
public partial class RuntimeJson : JsonSerializerContext;
