using System.Diagnostics;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// `create`, `run` and `exec` SIGKILLed at a spread of moments (uniform over the time the verb takes here, seeded;
/// JAULA_TEST_KILL_SEED replays a run): whatever they started dies with them or is accounted for, and `delete
/// --force` returns within seconds and leaves no process, cgroup, state or staging dir.
/// </summary>
public sealed class KillDuringCreateTests(StateRoot stateRoot, ITestOutputHelper output) : ContainerTest(stateRoot)
{
    private const int Tries = 50;

    [Theory]
    [InlineData("create")]
    [InlineData("run")]
    public void Killed_at_any_moment_then_delete_force_leaves_nothing(string verb)
    {
        Bundle bundle = NewBundle("sleep", "1000");
        var random = Seeded(verb);
        TimeSpan span = Calibrate(verb, bundle);

        var failures = new List<string>();
        for (int i = 0; i < Tries; i++)
        {
            string id = NewId();
            TimeSpan delay = span * random.NextDouble();
            using (var command = CrashProbe.Launch(Jaula, bundle, verb, id))
            {
                Thread.Sleep(delay);
                CrashProbe.SigKill(command);
            }
            CommandResult delete = CrashProbe.DeleteForce(Jaula, id);
            if (!delete.Succeeded && !delete.Stderr.Contains("container does not exist", StringComparison.Ordinal))
                failures.Add($"kill at {delay.TotalMilliseconds:F0} ms: {delete}");
            var left = CrashProbe.Leftovers(Jaula, id, bundle);
            if (left.Count > 0)
            {
                failures.Add($"kill at {delay.TotalMilliseconds:F0} ms left: {string.Join("; ", left)}");
                CrashProbe.KillLeftovers(bundle);
                CrashProbe.DeleteForce(Jaula, id);
            }
        }
        failures.Should().BeEmpty("{0} {1} kills over {2:F0} ms", Tries, verb, span.TotalMilliseconds);
    }

    [Fact]
    public void Exec_killed_at_any_moment_leaves_nothing_outside_the_container()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "1000");
        Jaula.RunDetached(id, bundle).ShouldSucceed();
        string cgroup = CgroupPlacement.PathOf(bundle)!;
        var random = Seeded("exec");
        TimeSpan span = Calibrate("exec", bundle, id);

        var failures = new List<string>();
        for (int i = 0; i < Tries; i++)
        {
            TimeSpan delay = span * random.NextDouble();
            using (var command = CrashProbe.Launch(Jaula, bundle, "exec", id, "sleep", "1000"))
            {
                Thread.Sleep(delay);
                CrashProbe.SigKill(command);
            }
            // The exec'd process may live on inside the container (it was handed over); nothing may live outside it.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
            List<int> strays;
            while ((strays = CrashProbe.ProcessesOf(bundle, inCgroup: false).Where(p => !CrashProbe.InCgroup(p, cgroup)).ToList()).Count > 0
                && DateTime.UtcNow < deadline)
                Thread.Sleep(20);
            if (strays.Count > 0)
                failures.Add($"exec killed at {delay.TotalMilliseconds:F0} ms left {string.Join(", ", strays)} outside the container");
        }
        Jaula.State(id).Status.Should().Be("running", "killed execs never harm the container");
        CrashProbe.DeleteForce(Jaula, id).ShouldSucceed();
        var left = CrashProbe.Leftovers(Jaula, id, bundle);
        CrashProbe.KillLeftovers(bundle);
        failures.Should().BeEmpty("{0} exec kills over {1:F0} ms", Tries, span.TotalMilliseconds);
        left.Should().BeEmpty("delete --force after killed execs leaves nothing");
    }

    /// <summary>How long the verb takes here when nobody kills it; the kills spread over that (at least 60 ms).</summary>
    private TimeSpan Calibrate(string verb, Bundle bundle, string? execInto = null)
    {
        string id = execInto ?? NewId();
        var watch = Stopwatch.StartNew();
        CommandResult result = verb switch
        {
            "exec" => Jaula.Invoke("exec", id, "true"),
            "run" => Jaula.Invoke("run", "-d", "--bundle", bundle.Dir, id),
            _ => Jaula.Create(id, bundle),
        };
        watch.Stop();
        result.ShouldSucceed();
        if (execInto is null)
            Jaula.Delete(id, force: true).ShouldSucceed();
        var span = TimeSpan.FromMilliseconds(Math.Max(60, watch.Elapsed.TotalMilliseconds * 1.1));
        output.WriteLine($"{verb}: {watch.Elapsed.TotalMilliseconds:F0} ms undisturbed; kills spread over {span.TotalMilliseconds:F0} ms");
        return span;
    }

    private Random Seeded(string verb)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("JAULA_TEST_KILL_SEED"), out int s) ? s : Environment.TickCount;
        output.WriteLine($"{verb}: JAULA_TEST_KILL_SEED={seed}");
        return new Random(seed);
    }
}
