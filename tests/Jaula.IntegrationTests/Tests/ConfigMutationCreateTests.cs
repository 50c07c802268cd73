using Jaula.Tests.Shared;
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
        int seed = ConfigMutator.Seed();
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
                // Never linux or linux.cgroupsPath: containers must stay under the test's cgroup parent.
                change = ConfigMutator.Mutate(b.Config, random, n => n.GetPath() is not ("$.linux" or "$.linux.cgroupsPath"));
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
}
