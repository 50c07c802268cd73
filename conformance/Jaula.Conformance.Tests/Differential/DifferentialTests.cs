using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Jaula.Conformance.Tests.Differential;

/// <summary>
/// Each bundle of spec-fixtures/conformance runs under Debian's runc and under jaula with the same observer as its
/// process; what the two containers saw (and what the host saw of their cgroups) must be the same, except for the
/// differences listed in runc-deviations.json with the spec clause that makes runc wrong.
/// </summary>
public sealed class DifferentialTests : ContainerTest, IDisposable
{
    public const string RuncVariable = "JAULA_CONFORMANCE_RUNC";

    private static readonly TimeSpan s_reportTimeout = TimeSpan.FromSeconds(20);

    private readonly ITestOutputHelper _output;
    private readonly StateRoot _runcRoot = new();
    private readonly JaulaRunner _runc;
    private readonly List<Bundle> _runcBundles = [];
    private readonly List<HostDirectory> _hostDirectories = [];

    public DifferentialTests(StateRoot stateRoot, ITestOutputHelper output) : base(stateRoot)
    {
        _output = output;
        _runc = new JaulaRunner(RuncBinary, _runcRoot.Root);
    }

    public static string RuncBinary
    {
        get
        {
            string path = Environment.GetEnvironmentVariable(RuncVariable) is { Length: > 0 } configured ? configured : "/usr/sbin/runc";
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"runc not found at {path}: scripts/deps.sh installs Debian's runc (or set {RuncVariable})");
        }
    }

    public static IEnumerable<object[]> Cases =>
        Directory.GetFiles(Path.Combine(RepoPaths.RepoRoot, "spec-fixtures", "conformance"), "*.json")
            .Select(f => new object[] { Path.GetFileNameWithoutExtension(f) })
            .OrderBy(c => (string)c[0], StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Container_sees_what_it_sees_under_runc(string caseName)
    {
        var patch = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "spec-fixtures", "conformance", caseName + ".json")))!.AsObject();
        var data = NewHostDirectory();
        File.WriteAllText(Path.Combine(data.Path, "file"), "a bind-mounted file\n");

        Observation underRunc = Observe(_runc, "runc", patch, data);
        Observation underJaula = Observe(Jaula, "jaula", patch, data);

        var uncovered = new List<string>();
        foreach (string section in underRunc.Sections.Keys.Union(underJaula.Sections.Keys).Order(StringComparer.Ordinal))
        {
            List<string> runcLines = underRunc.Sections.GetValueOrDefault(section) ?? [];
            List<string> jaulaLines = underJaula.Sections.GetValueOrDefault(section) ?? [];
            foreach ((string side, string line) in MultisetDifference(runcLines, jaulaLines, "runc only ").Concat(MultisetDifference(jaulaLines, runcLines, "jaula only")))
            {
                RuncDeviation? deviation = RuncDeviation.All.FirstOrDefault(d => d.Covers(caseName, section, line));
                KnownJaulaFailure? known = KnownJaulaFailure.All.FirstOrDefault(k => k.Covers(caseName, section, line));
                string text = $"[{section}] {side}: {line}";
                _output.WriteLine(deviation is not null ? $"{text}   (runc's deviation: {deviation.Clause})"
                    : known is not null ? $"{text}   (KNOWN JAULA FAILURE: {known.What})"
                    : text);
                if (deviation is null && known is null)
                {
                    uncovered.Add(text);
                }
            }
        }
        uncovered.Should().BeEmpty("jaula must show the container what runc shows it (case {0})", caseName);
        if (RuncDeviation.All.Any(d => d.Case == caseName && d.Section == "*"))
        {
            // A case runc cannot run: jaula must run it, not fail it too.
            underJaula.Sections["outcome"].Should().Equal(["ran"], "runc fails case {0}; jaula must run it", caseName);
            underRunc.Sections["outcome"].Should().ContainSingle().Which.Should().StartWith("failed", "the deviation says runc fails case {0}", caseName);
        }
    }

    private Observation Observe(JaulaRunner runtime, string name, JsonObject patch, HostDirectory data)
    {
        HostDirectory output = NewHostDirectory();
        File.SetUnixFileMode(output.Path, (UnixFileMode)Convert.ToInt32("777", 8));
        string script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "differential", "observe.sh"));
        void Prepare(Bundle bundle)
        {
            MergePatch.Apply(bundle.Config, (JsonObject)JsonNode.Parse(patch.ToJsonString().Replace("$HOSTDIR", data.Path))!);
            bundle.AddMount("/conformance-out", output.Path, "bind", "rbind", "rw");
            if (bundle.Linux["uidMappings"]?[0]?["hostID"] is { } hostId)
            {
                Shell.Run("/bin/chown", "-R", $"{hostId}:{hostId}", bundle.RootfsDir);
                File.SetUnixFileMode(bundle.Dir, (UnixFileMode)Convert.ToInt32("755", 8));
            }
        }
        string[] args = ["sh", "-c", script];
        Bundle bundle;
        if (runtime == Jaula)
        {
            bundle = NewBundle(Prepare, args);
        }
        else
        {
            bundle = Bundle.Create(args, Prepare);
            _runcBundles.Add(bundle);
        }
        string id = runtime.Track("conf-" + Guid.NewGuid().ToString("N")[..10]);
        CommandResult run = runtime.RunDetached(id, bundle);
        _output.WriteLine($"{name}: {run}");
        if (!run.Succeeded)
        {
            return Observation.Failed(run.ExitCode);
        }

        string reportPath = Path.Combine(output.Path, "report");
        var deadline = DateTime.UtcNow + s_reportTimeout;
        while (!File.Exists(reportPath))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"{name}: the observer wrote no report within {s_reportTimeout.TotalSeconds} s; state: {runtime.StateRaw(id)}");
            }
            Thread.Sleep(50);
        }
        string cgroupsPath = (string)bundle.Linux["cgroupsPath"]!;
        var placeholders = new List<(string, string)>
        {
            (bundle.Dir, "<bundle>"), (output.Path, "<out>"), (data.Path, "<data>"), (cgroupsPath, "<cgroup>"), (id, "<id>"),
        };
        var observation = Observation.Parse(File.ReadAllText(reportPath), placeholders, HostNamespaces());
        HostCgroups.Observe(observation, cgroupsPath, runtime.State(id).Pid);
        runtime.Delete(id, force: true).ShouldSucceed();
        return observation;
    }

    private HostDirectory NewHostDirectory()
    {
        var dir = new HostDirectory();
        _hostDirectories.Add(dir);
        return dir;
    }

    private static IEnumerable<(string Side, string Line)> MultisetDifference(List<string> from, List<string> minus, string side)
    {
        var left = minus.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        foreach (string line in from)
        {
            if (left.TryGetValue(line, out int count) && count > 0)
            {
                left[line] = count - 1;
            }
            else
            {
                yield return (side, line);
            }
        }
    }

    private static Dictionary<string, string> HostNamespaces() =>
        Directory.GetFiles("/proc/self/ns").ToDictionary(f => Path.GetFileName(f), f => new FileInfo(f).LinkTarget ?? "");

    void IDisposable.Dispose()
    {
        List<string> leaks;
        try
        {
            leaks = LeakCheck.CleanUp(_runc, _runcRoot, [], _runcBundles);
        }
        finally
        {
            _runcBundles.ForEach(b => b.Dispose());
            _runcRoot.Dispose();
            try
            {
                Dispose();
            }
            finally
            {
                _hostDirectories.ForEach(d => d.Dispose());
            }
        }
        if (leaks.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("runc left behind:" + Environment.NewLine + string.Join(Environment.NewLine, leaks));
        }
    }
}
