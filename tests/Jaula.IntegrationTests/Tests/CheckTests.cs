using System.Text.Json;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`jaula check` on this very host: hybrid cgroups, no CAP_SYS_RESOURCE, a hard nofile limit of 20000.</summary>
public sealed class CheckTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Check_passes_here_and_names_what_this_host_lacks()
    {
        string text = Jaula.InvokeRaw("check").ShouldSucceed().Stdout;

        text.Should().Contain("cgroups: mode: hybrid")
            .And.MatchRegex(@"warning +security: capability bounding set: missing CAP_SYS_RESOURCE")
            .And.MatchRegex(@"warning +limits: RLIMIT_NOFILE: hard limit 20000 ")
            .And.EndWith("a default container can run on this host\n");
    }

    [Fact]
    public void Check_json_lists_every_check_with_a_status()
    {
        string json = Jaula.InvokeRaw("check", "--format", "json").ShouldSucceed().Stdout;

        using var doc = JsonDocument.Parse(json);
        doc.RootElement.GetProperty("canRunDefaultContainer").GetBoolean().Should().BeTrue();
        var checks = doc.RootElement.GetProperty("checks").EnumerateArray().ToList();
        checks.Select(c => c.GetProperty("name").GetString()).Should()
            .Contain(["openat2", "user namespaces allowed", "controller memory", "seccomp", "overlayfs", "criu", "/etc/subuid"]);
        checks.Select(c => c.GetProperty("status").GetString()).Should().OnlyContain(s => s == "ok" || s == "warning" || s == "missing");
    }
}
