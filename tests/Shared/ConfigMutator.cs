using System.Text.Json.Nodes;

namespace Jaula.Tests.Shared;

/// <summary>
/// Issue 17's config fuzz, shared by the loader-level test (thousands of mutations) and the create-level one (a few
/// dozen real creates): one randomly chosen value or entry of a config document is replaced by a hostile one (null,
/// dropped, a NUL inside, huge, out of range, the wrong type). Seeded: JAULA_FUZZ_SEED replays a run.
/// </summary>
internal static class ConfigMutator
{
    public const string SeedVariable = "JAULA_FUZZ_SEED";

    /// <summary>JAULA_FUZZ_SEED when set, else a fresh seed; print it so a failure can be replayed.</summary>
    public static int Seed() =>
        Environment.GetEnvironmentVariable(SeedVariable) is { } text ? int.Parse(text) : Environment.TickCount;

    /// <summary>Changes one node of <paramref name="document"/> for which <paramref name="eligible"/> holds; says what it did.</summary>
    public static string Mutate(JsonNode document, Random random, Func<JsonNode, bool>? eligible = null)
    {
        var places = new List<JsonNode>();
        Collect(document, places);
        if (eligible is not null)
            places.RemoveAll(p => !eligible(p));
        JsonNode target = places[random.Next(places.Count)];
        JsonNode? replacement = Replacement(target, random, out string what);
        string path = target.GetPath();
        if (target.Parent is JsonObject obj)
        {
            string key = obj.First(p => ReferenceEquals(p.Value, target)).Key;
            if (what == "drop")
                obj.Remove(key);
            else
                obj[key] = replacement;
        }
        else if (target.Parent is JsonArray array)
        {
            int index = array.IndexOf(target);
            if (what == "drop")
                array.RemoveAt(index);
            else
                array[index] = replacement;
        }
        return $"{what} at {path}";
    }

    private static void Collect(JsonNode? node, List<JsonNode> places)
    {
        if (node is null)
            return;
        if (node.Parent is not null)
            places.Add(node);
        if (node is JsonObject obj)
            foreach (var (_, value) in obj.ToList())
                Collect(value, places);
        else if (node is JsonArray array)
            foreach (var item in array.ToList())
                Collect(item, places);
    }

    private static JsonNode? Replacement(JsonNode target, Random random, out string what)
    {
        switch (random.Next(12))
        {
            case 0: what = "null"; return null;
            case 1: what = "drop"; return null;
            case 2: what = "NUL"; return JsonValue.Create(WithNul(target, random));
            case 3: what = "huge string"; return JsonValue.Create(new string('x', 100_000 + random.Next(1000)));
            case 4: what = "huge number"; return JsonValue.Create(1e30);
            case 5: what = "uint max"; return JsonValue.Create(4294967295L);
            case 6: what = "negative"; return JsonValue.Create(-1 - random.Next(3));
            case 7: what = "long max"; return JsonValue.Create(long.MaxValue);
            case 8: what = "empty string"; return JsonValue.Create("");
            case 9: what = "bool"; return JsonValue.Create(true);
            case 10: what = "empty object"; return new JsonObject();
            default: what = "array with null"; return new JsonArray(null, JsonValue.Create("x"));
        }
    }

    private static string WithNul(JsonNode target, Random random)
    {
        string text = target is JsonValue v && v.TryGetValue(out string? s) ? s : target.ToJsonString();
        int at = text.Length == 0 ? 0 : random.Next(text.Length + 1);
        return text[..at] + "\0" + text[at..];
    }
}
