using Jaula.Tests.Shared;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.Cli.Logging;
using Jaula.Oci;
using Jaula.Runtime.Init;
using Xunit;
using Xunit.Abstractions;

namespace Jaula.UnitTests.Runtime;

/// <summary>
/// Issue 17's fuzz, at the level of config.json's structure: type swaps, nulls (as values and inside arrays and maps),
/// NUL characters, huge strings and numbers, dropped fields, applied to rich valid configs. Every outcome must be a
/// spec (which then survives the trip to the init as a plan) or one SpecException whose error line, shortened as the
/// CLI prints it, stays under 1 KB. The seed is printed; set JAULA_FUZZ_SEED to replay one run.
/// </summary>
public class ConfigMutationFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 3000;
    private const int MaxErrorLine = 1024;

    [Fact]
    public void Mutated_configs_give_a_spec_or_one_short_clear_error()
    {
        int seed = ConfigMutator.Seed();
        output.WriteLine($"seed {seed} (JAULA_FUZZ_SEED={seed} replays it)");
        var random = new Random(seed);
        var seeds = SeedDocuments();
        var failures = new List<string>();
        int parsed = 0, refused = 0;
        for (int i = 0; i < Mutations && failures.Count < 5; i++)
        {
            JsonNode document = seeds[random.Next(seeds.Count)].DeepClone();
            string change = ConfigMutator.Mutate(document, random);
            byte[] utf8 = Encoding.UTF8.GetBytes(document.ToJsonString());
            try
            {
                var spec = SpecLoader.Parse(utf8, "config.json");
                RoundTripAsPlan(spec);
                parsed++;
            }
            catch (SpecException e)
            {
                refused++;
                string line = ValueExcerpts.Shorten($"create c1: {e.Message}");
                if (line.Length > MaxErrorLine)
                    failures.Add($"#{i} ({change}): error line of {line.Length} characters");
                if (e.Message.Contains("internal error", StringComparison.Ordinal))
                    failures.Add($"#{i} ({change}): {line}");
            }
            catch (Exception e)
            {
                failures.Add($"#{i} ({change}): {e.GetType().Name}: {ValueExcerpts.Shorten(e.Message)}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"{parsed} parsed, {refused} refused");
        failures.Should().BeEmpty($"seed {seed} must give only specs or clear errors");
        refused.Should().BePositive();
    }

    /// <summary>What the parent sends the init: a spec that loads must also travel.</summary>
    private static void RoundTripAsPlan(Spec spec)
    {
        var plan = new InitPlan { ContainerId = "c1", Bundle = "/b", Rootfs = "/b/rootfs", Spec = spec };
        byte[] wire = JsonSerializer.SerializeToUtf8Bytes(plan, Jaula.Runtime.RuntimeJson.Default.InitPlan);
        JsonSerializer.Deserialize(wire, Jaula.Runtime.RuntimeJson.Default.InitPlan)!.Spec.Should().NotBeNull();
    }

    private static List<JsonNode> SeedDocuments()
    {
        string dir = Path.Combine(RepoRoot(), "spec-fixtures", "configs", "valid");
        return Directory.GetFiles(dir, "*.json").Order().Select(f => JsonNode.Parse(File.ReadAllText(f))!).ToList();
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Runtime.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Runtime.sln not found above the test binaries");
    }
}
