using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The integration portion of issue 17's fuzz: mutated configs go through a real `jaula create`, so steps after
/// validation (the parent's and the init's) see them too. Each create must exit 0 or 1 within the runner's timeout,
/// never say "internal error", and print a line under 1 KB; the shared cleanup then proves nothing was left behind.
/// The unit-level fuzz (ConfigMutationFuzzTests) covers thousands more at the loader. JAULA_FUZZ_SEED replays a run.
/// </summary>
public sealed class ConfigMutationCreateTests(StateRoot stateRoot, ITestOutputHelper output) : ContainerTest(stateRoot)
{
    private const int Mutations = 40;

    [Fact]
    public void Mutated_configs_create_or_fail_with_one_short_clear_line()
    {
        int seed = Environment.GetEnvironmentVariable("JAULA_FUZZ_SEED") is { } text ? int.Parse(text) : Environment.TickCount;
        output.WriteLine($"seed {seed} (JAULA_FUZZ_SEED={seed} replays it)");
        var random = new Random(seed);
        var failures = new List<string>();
        for (int i = 0; i < Mutations; i++)
        {
            string id = NewId();
            string change = "";
            Bundle bundle = NewBundle(b =>
            {
                CgroupPlacement.Apply(b); // the test's own cgroup parent, kept out of the mutation's reach
                change = Mutate(b.Config, random);
            }, "true");
            CommandResult result = Jaula.Create(id, bundle);
            if (result.ExitCode is not (0 or 1))
                failures.Add($"#{i} ({change}): exit {result.ExitCode}: {result.Stderr}");
            if (result.Stderr.Contains("internal error", StringComparison.Ordinal))
                failures.Add($"#{i} ({change}): {result.Stderr}");
            if (result.Stderr.Length > 1024)
                failures.Add($"#{i} ({change}): a {result.Stderr.Length}-character error");
            if (result.ExitCode == 0)
                Jaula.Delete(id, force: true).ShouldSucceed();
        }
        failures.Should().BeEmpty($"seed {seed}");
    }

    private static string Mutate(JsonObject config, Random random)
    {
        var places = new List<JsonNode>();
        Collect(config, places);
        JsonNode target = places[random.Next(places.Count)];
        string path = target.GetPath();
        (JsonNode? value, string what) = random.Next(8) switch
        {
            0 => ((JsonNode?)null, "null"),
            1 => (JsonValue.Create("a\0b"), "NUL"),
            2 => (JsonValue.Create(new string('x', 100_000)), "huge string"),
            3 => (JsonValue.Create(4294967295L), "uint max"),
            4 => (JsonValue.Create(-1), "negative"),
            5 => (JsonValue.Create(""), "empty string"),
            6 => (new JsonObject(), "empty object"),
            _ => (new JsonArray(null, JsonValue.Create("x")), "array with null"),
        };
        if (target.Parent is JsonObject obj)
            obj[obj.First(p => ReferenceEquals(p.Value, target)).Key] = value;
        else if (target.Parent is JsonArray array)
            array[array.IndexOf(target)] = value;
        return $"{what} at {path}";
    }

    /// <summary>Every node but linux and linux.cgroupsPath: containers must stay under the test's cgroup parent.</summary>
    private static void Collect(JsonNode? node, List<JsonNode> places)
    {
        if (node is null)
            return;
        if (node.Parent is not null && node.GetPath() is not ("$.linux" or "$.linux.cgroupsPath"))
            places.Add(node);
        if (node is JsonObject obj)
            foreach (var (_, value) in obj.ToList())
                Collect(value, places);
        else if (node is JsonArray array)
            foreach (var item in array.ToList())
                Collect(item, places);
    }
}
