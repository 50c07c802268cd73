using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Jaula.Oci.Tests;

/// <summary>
/// SpecReader (config.json without the serializer's metadata) against OciJsonContext: on every document it takes, it
/// builds the spec the serializer builds; it leaves to the serializer every document the serializer refuses; it takes
/// the configs engines write; and it knows every property of the model.
/// </summary>
public sealed class SpecReaderTests
{
    private static string? Serialized(Spec? spec) =>
        spec is null ? null : JsonSerializer.Serialize(spec, OciJsonContext.Default.Spec);

    /// <summary>The serializer's spec, or null when it refuses the document.</summary>
    private static Spec? BySerializer(byte[] utf8)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, OciJsonContext.Default.Spec);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void AgreesWithTheSerializer(byte[] utf8, string what)
    {
        var fast = SpecReader.TryRead(utf8);
        if (fast is null)
            return; // the serializer decides: nothing to compare
        var slow = BySerializer(utf8);
        slow.Should().NotBeNull($"the reader took {what}, so the serializer must take it too:\n{Encoding.UTF8.GetString(utf8)}");
        Serialized(fast).Should().Be(Serialized(slow), $"the reader must build the serializer's spec for {what}");
    }

    private static IEnumerable<string> Documents()
    {
        foreach (string dir in new[] { TestPaths.Fixtures, Path.Combine(TestPaths.Fixtures, "..", "conformance"), TestPaths.SpecTestConfigs("good"), TestPaths.SpecTestConfigs("bad") })
        {
            if (Directory.Exists(dir))
                foreach (string file in Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories))
                    yield return file;
        }
    }

    private static IEnumerable<string> ValidFixtures() =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.Fixtures, "valid"), "*.json").Order(StringComparer.Ordinal);

    [Fact]
    public void Every_fixture_is_read_as_the_serializer_reads_it()
    {
        var files = Documents().ToList();
        files.Should().HaveCountGreaterThan(50);
        foreach (string file in files)
            AgreesWithTheSerializer(File.ReadAllBytes(file), file);
    }

    [Fact]
    public void The_configs_engines_write_are_taken_not_left_to_the_serializer()
    {
        var left = ValidFixtures().Where(f => SpecReader.TryRead(File.ReadAllBytes(f)) is null).Select(Path.GetFileName).ToList();
        left.Should().BeEmpty("every valid fixture is plain JSON of the model's types");
        foreach (var spec in new[] { DefaultSpec.Create(rootless: false), DefaultSpec.Create(rootless: true), DefaultSpec.CreatePrivileged() })
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(spec, OciJsonContext.Default.Spec));
            SpecReader.TryRead(utf8).Should().NotBeNull("`jaula spec`'s own configs");
            AgreesWithTheSerializer(utf8, "`jaula spec`'s config");
        }
    }

    public static TheoryData<string, string> Odd => new()
    {
        { "null for a required string", """{"ociVersion":null}""" },
        { "a number for a string", """{"ociVersion":1}""" },
        { "a float for an integer", """{"ociVersion":"1.3.0","process":{"cwd":"/","args":["a"],"user":{"uid":1.5,"gid":0}}}""" },
        { "a negative for an unsigned", """{"ociVersion":"1.3.0","process":{"cwd":"/","args":["a"],"user":{"uid":-1,"gid":0}}}""" },
        { "a string for a number", """{"ociVersion":"1.3.0","process":{"cwd":"/","args":["a"],"user":{"uid":"0","gid":0}}}""" },
        { "a duplicate property", """{"ociVersion":"1.3.0","hostname":"a","hostname":"b"}""" },
        { "a duplicate key", """{"ociVersion":"1.3.0","annotations":{"k":"a","k":"b"}}""" },
        { "null in a list of strings", """{"ociVersion":"1.3.0","process":{"cwd":"/","args":["a",null]}}""" },
        { "a missing required property", """{"hostname":"a"}""" },
        { "trailing content", """{"ociVersion":"1.3.0"} {}""" },
        { "a trailing comma", """{"ociVersion":"1.3.0",}""" },
        { "an array at the top", """[]""" },
        { "too deep", "{\"ociVersion\":\"1.3.0\",\"x\":" + new string('[', 70) + new string(']', 70) + "}" },
    };

    [Theory]
    [MemberData(nameof(Odd))]
    public void What_the_reader_is_not_sure_of_goes_to_the_serializer(string what, string json)
    {
        SpecReader.TryRead(Encoding.UTF8.GetBytes(json)).Should().BeNull(what);
    }

    [Fact]
    public void Unknown_properties_and_nulls_where_the_model_allows_them_are_taken()
    {
        var spec = SpecReader.TryRead("""{"ociVersion":"1.3.0","x-extra":{"a":[1,{"b":null}]},"hostname":null,"linux":{"sysctl":{"a.b":"1"},"uidMappings":null},"windows":{"layerFolders":["c"]}}"""u8);
        spec.Should().NotBeNull();
        spec!.Hostname.Should().BeNull();
        spec.Linux!.Sysctl.Should().Equal(new Dictionary<string, string> { ["a.b"] = "1" });
        spec.Windows!.Value.GetProperty("layerFolders")[0].GetString().Should().Be("c");
        AgreesWithTheSerializer("""{"ociVersion":"1.3.0","vm":null,"solaris":{},"zos":[],"freebsd":1}"""u8.ToArray(), "the other platforms' sections");
        SpecReader.TryRead("""{"ociVersion":"1.3.0","vm":null}"""u8).Should().NotBeNull();
    }

    /// <summary>Mutants of every valid fixture: each value in turn replaced by one of another shape, or removed.</summary>
    [Fact]
    public void Mutated_fixtures_are_read_as_the_serializer_reads_them_or_left_to_it()
    {
        var random = new Random(20261206);
        JsonNode?[] replacements =
        [
            null, JsonValue.Create("s"), JsonValue.Create(""), JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1.5),
            JsonValue.Create(ulong.MaxValue), JsonValue.Create(70000), JsonValue.Create(true), new JsonArray(), new JsonArray("x", 1),
            new JsonObject(), new JsonObject { ["k"] = "v" },
        ];
        int taken = 0, total = 0;
        foreach (string file in ValidFixtures())
        {
            string original = File.ReadAllText(file);
            int values = Paths(JsonNode.Parse(original)!).Count;
            for (int i = 0; i < Math.Min(values, 60); i++)
            {
                var doc = JsonNode.Parse(original)!;
                var paths = Paths(doc);
                var (parent, key) = paths[random.Next(paths.Count)];
                var replacement = random.Next(replacements.Length + 1) is var pick && pick == replacements.Length ? null : replacements[pick]?.DeepClone();
                bool remove = pick == replacements.Length;
                if (parent is JsonObject o)
                {
                    if (remove)
                        o.Remove((string)key);
                    else
                        o[(string)key] = replacement;
                }
                else if (parent is JsonArray a)
                {
                    if (remove)
                        a.RemoveAt((int)key);
                    else
                        a[(int)key] = replacement;
                }
                byte[] utf8 = Encoding.UTF8.GetBytes(doc.ToJsonString());
                total++;
                if (SpecReader.TryRead(utf8) is not null)
                    taken++;
                AgreesWithTheSerializer(utf8, $"a mutant of {Path.GetFileName(file)}");
            }
        }
        total.Should().BeGreaterThan(300);
        taken.Should().BeGreaterThan(total / 10, "many mutants are still documents of the model's types");
    }

    /// <summary>Every (container, key) pair below the root, depth first.</summary>
    private static List<(JsonNode Parent, object Key)> Paths(JsonNode root)
    {
        var found = new List<(JsonNode, object)>();
        void Walk(JsonNode node)
        {
            if (node is JsonObject o)
            {
                foreach (var (k, v) in o.ToList())
                {
                    found.Add((o, k));
                    if (v is not null)
                        Walk(v);
                }
            }
            else if (node is JsonArray a)
            {
                for (int i = 0; i < a.Count; i++)
                {
                    found.Add((a, i));
                    if (a[i] is { } v)
                        Walk(v);
                }
            }
        }
        Walk(root);
        return found;
    }

    [Fact]
    public void The_reader_knows_every_property_of_the_model()
    {
        var model = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        void Walk(JsonTypeInfo info)
        {
            if (!seen.Add(info.Type))
                return;
            foreach (var property in info.Properties.Where(p => p.Set is not null)) // what deserializing can fill
            {
                model.Add($"{info.Type.Name}.{property.Name}");
                Walk(OciJsonContext.Default.GetTypeInfo(property.PropertyType)!);
            }
            if (info.ElementType is { } element)
                Walk(OciJsonContext.Default.GetTypeInfo(element)!);
        }
        Walk(OciJsonContext.Default.Spec);

        const string why = "scripts/gen-spec-reader.py writes a reader for every property (run it after changing the model)";
        model.Except(SpecReader.Handled).Should().BeEmpty(why);
        SpecReader.Handled.Except(model).Should().BeEmpty(why);
    }
}
