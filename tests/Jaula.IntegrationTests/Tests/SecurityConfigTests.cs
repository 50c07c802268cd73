using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>Capabilities and LSM labels: what the host cannot give is refused naming the field, never dropped silently.</summary>
public sealed class SecurityConfigTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Theory]
    [InlineData("bounding")]
    [InlineData("permitted")]
    [InlineData("effective")]
    [InlineData("inheritable")]
    public void A_capability_outside_the_host_bounding_set_is_refused_naming_the_set_and_the_capability(string set)
    {
        File.ReadAllText("/proc/self/status").Should().Contain("CapBnd:", "the test reads the host bounding set");
        string capability = MissingFromHost() ?? throw new Xunit.Sdk.XunitException("this host's bounding set is full; the test needs one missing (CAP_SYS_RESOURCE on the reference machine)");
        string id = NewId();
        var bundle = NewBundle(b =>
        {
            var capabilities = b.Process["capabilities"]!.AsObject();
            if (capabilities[set] is null)
                capabilities[set] = new JsonArray();
            capabilities[set]!.AsArray().Add(capability);
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, $"process.capabilities.{set}", capability, "bounding set");
    }

    [Fact]
    public void An_unknown_capability_name_is_refused_naming_its_position()
    {
        string id = NewId();
        var bundle = NewBundle(b => b.Process["capabilities"]!["bounding"]!.AsArray().Add("CAP_TEST"), "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "process.capabilities.bounding[3]", "CAP_TEST");
    }

    [Fact]
    public void Inheritable_and_ambient_sets_stay_empty_unless_configured()
    {
        var result = RunScript("grep -E '^Cap(Inh|Amb)' /proc/self/status", b =>
        {
            b.Process["capabilities"]!["inheritable"] = new JsonArray();
            b.Process["capabilities"]!["ambient"] = new JsonArray();
            b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
        });

        result.ShouldSucceed();
        result.Stdout.Should().MatchRegex(@"CapInh:\s+0000000000000000").And.MatchRegex(@"CapAmb:\s+0000000000000000");
    }

    [Theory]
    [InlineData("process.apparmorProfile", """{"process":{"apparmorProfile":"docker-default"}}""", "AppArmor is not active")]
    [InlineData("process.selinuxLabel", """{"process":{"selinuxLabel":"system_u:system_r:container_t:s0"}}""", "SELinux is not active")]
    [InlineData("linux.mountLabel", """{"linux":{"mountLabel":"system_u:object_r:container_file_t:s0"}}""", "SELinux is not active")]
    public void A_label_for_an_inactive_security_module_is_refused_naming_the_field(string field, string patch, string cause)
    {
        if (File.Exists("/sys/module/apparmor/parameters/enabled") || Directory.Exists("/sys/fs/selinux"))
            throw new Xunit.Sdk.XunitException("this test expects a host without AppArmor and SELinux, as the reference machine");
        string id = NewId();
        var node = JsonNode.Parse(patch)!.AsObject();
        var bundle = NewBundle(b =>
        {
            foreach (var (section, values) in node)
                foreach (var (key, value) in values!.AsObject())
                    b.Config[section]![key] = value!.DeepClone();
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, field, cause);
        Directory.Exists(Path.Combine(Jaula.Root, id)).Should().BeFalse("a refused create leaves no state");
    }

    private static string? MissingFromHost()
    {
        string line = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("CapBnd:", StringComparison.Ordinal));
        ulong bounding = Convert.ToUInt64(line["CapBnd:".Length..].Trim(), 16);
        string[] candidates = ["CAP_SYS_RESOURCE", "CAP_SYS_MODULE", "CAP_SYS_BOOT", "CAP_MAC_ADMIN"];
        return candidates.FirstOrDefault(c => (bounding & CapabilityMask.Of([c])) == 0);
    }
}
