using System.Text.Json.Nodes;

namespace Jaula.Conformance.Tests.Differential;

/// <summary>RFC 7386 JSON merge patch: objects merge member by member, anything else replaces, null removes.</summary>
public static class MergePatch
{
    public static void Apply(JsonObject target, JsonObject patch)
    {
        foreach ((string name, JsonNode? value) in patch)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject patchObject && target[name] is JsonObject targetObject)
            {
                Apply(targetObject, patchObject);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }
}
