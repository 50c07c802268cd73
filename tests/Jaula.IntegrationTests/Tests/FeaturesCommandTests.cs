using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>`jaula features` prints a features document (features.md) that the spec's schema accepts and that claims only what this build does.</summary>
public sealed class FeaturesCommandTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Features_prints_a_document_valid_against_the_features_schema()
    {
        CommandResult result = Jaula.Invoke("features").ShouldSucceed();

        OciSchemas.Violations(OciSchemas.Features, result.Stdout).Should().BeEmpty("features must match features-schema.json: {0}", result.Stdout);
        JsonNode.Parse(result.Stdout).Should().BeOfType<JsonObject>();
    }

    [Fact]
    public void The_schema_check_is_not_vacuous()
    {
        OciSchemas.Violations(OciSchemas.Features, """{"ociVersionMin": "1.0.0", "hooks": "prestart"}""").Should().NotBeEmpty();
    }

    [Fact]
    public void Features_lists_what_this_build_honours_and_no_more()
    {
        var features = JsonNode.Parse(Jaula.Invoke("features").ShouldSucceed().Stdout)!.AsObject();
        var linux = features["linux"]!.AsObject();

        ((string)features["ociVersionMin"]!).Should().Be("1.0.0");
        ((string)features["ociVersionMax"]!).Should().Be("1.3.0");
        Strings(features["hooks"]).Should().Equal("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");
        Strings(features["mountOptions"]).Should().Contain(["ro", "nosuid", "rbind", "rro", "private", "tmpcopyup", "idmap", "ridmap"]);
        Strings(linux["namespaces"]).Should().BeEquivalentTo("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time");
        Strings(linux["capabilities"]).Should().Contain(["CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE"]);
        ((bool)linux["seccomp"]!["enabled"]!).Should().BeTrue();
        Strings(linux["seccomp"]!["actions"]).Should().Contain(["SCMP_ACT_ERRNO", "SCMP_ACT_NOTIFY", "SCMP_ACT_KILL_PROCESS"]);
        Strings(linux["seccomp"]!["operators"]).Should().HaveCount(7);
        Strings(linux["seccomp"]!["archs"]).Should().Contain(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
        ((bool)linux["cgroup"]!["v1"]!).Should().BeTrue();
        ((bool)linux["cgroup"]!["v2"]!).Should().BeTrue();
        ((bool)linux["cgroup"]!["systemd"]!).Should().BeFalse();
        ((bool)linux["apparmor"]!["enabled"]!).Should().BeFalse();
        ((bool)linux["selinux"]!["enabled"]!).Should().BeFalse();
        ((bool)linux["mountExtensions"]!["idmap"]!["enabled"]!).Should().BeTrue();
        // features-linux.md: the runtime's implementation, irrelevant to whether this host has resctrl.
        ((bool)linux["intelRdt"]!["enabled"]!).Should().BeTrue();
        ((bool)linux["intelRdt"]!["schemata"]!).Should().BeTrue();
        ((bool)linux["intelRdt"]!["monitoring"]!).Should().BeTrue();
        ((bool)linux["netDevices"]!["enabled"]!).Should().BeTrue();
        Strings(linux["memoryPolicy"]!["modes"]).Should().Contain(["MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE"]);
        Strings(linux["memoryPolicy"]!["flags"]).Should().Contain("MPOL_F_STATIC_NODES");
    }

    private static string[] Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!).ToArray();
}
