using System.Text.Json.Serialization;

namespace Jaula.Diagnostics;

/// <summary>Source-generated JSON for `jaula check --format json` (statuses as "ok", "warning", "missing").</summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Metadata,
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HostCheckReport))]
public partial class DiagnosticsJson : JsonSerializerContext;
