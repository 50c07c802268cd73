using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Jaula.Oci;

/// <summary>
/// Explains a serializer failure on syntactically valid JSON (a value of the wrong type, a missing required
/// property, a forbidden null) in the document's own terms: which field, what was expected, what was found.
/// The serializer's message wording differs between .NET versions, so the explanation is worked out from the
/// document and the generated metadata instead, and the message is only the last resort.
/// </summary>
internal static class JsonShapeError
{
    public static SpecException ToSpecException(JsonException e, ReadOnlySpan<byte> utf8, string sourceName)
    {
        var field = FieldPath.FromJsonPath(e.Path);
        var position = e.LineNumber is { } line ? $" (line {line + 1})" : "";
        using var document = JsonDocument.Parse(utf8.ToArray());
        if (JsonPathWalker.TryFind(document.RootElement, OciJsonContext.Default.Spec, field, out var found, out var expected))
        {
            if (FirstMissingRequired(found, expected) is { } missing)
            {
                var missingField = FieldPath.Property(field, missing.Name);
                var missingType = expected.OriginatingResolver?.GetTypeInfo(missing.PropertyType, expected.Options);
                var description = missingType is null ? "" : ": expected " + JsonTypeNames.Describe(missingType);
                return new SpecException(sourceName, missingField, "is required but missing" + description, e);
            }
            var cause = $"expected {JsonTypeNames.Describe(expected)}, found {JsonValueNames.Describe(found)}{position}";
            return new SpecException(sourceName, field, cause, e);
        }
        return new SpecException(sourceName, field, WithoutPosition(e.Message), e);
    }

    /// <summary>Drops the " Path: ... | LineNumber: ... | BytePositionInLine: ..." tail the serializer appends.</summary>
    public static string WithoutPosition(string message)
    {
        var at = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (at < 0)
        {
            at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        }
        return at < 0 ? message : message[..at].TrimEnd(' ', '|');
    }

    private static JsonPropertyInfo? FirstMissingRequired(JsonElement found, JsonTypeInfo expected)
    {
        if (found.ValueKind != JsonValueKind.Object || expected.Kind != JsonTypeInfoKind.Object)
        {
            return null;
        }
        foreach (var property in expected.Properties)
        {
            if (property.IsRequired && !found.TryGetProperty(property.Name, out _))
            {
                return property;
            }
        }
        return null;
    }
}
