using System.Text.Json;
using FluentAssertions;
using Jaula.Cgroups.Resources;
using Jaula.Oci;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>update compares the device rules an engine resends with the container's: same meaning, same order.</summary>
public sealed class DeviceRuleComparisonTests
{
    private static List<DeviceCgroupRule> Rules(string json) =>
        JsonSerializer.Deserialize(json, OciJsonContext.Default.LinuxResources)!.Devices ?? [];

    // containerd's CRI spec: deny all, then nothing else (its default devices come as linux.devices).
    private const string Cri = """{"devices": [{"allow": false, "access": "rwm"}]}""";

    [Fact]
    public void The_same_list_is_the_same() => DeviceRuleComparison.Same(Rules(Cri), Rules(Cri)).Should().BeTrue();

    [Fact]
    public void Spelled_out_defaults_are_the_same_as_omitted_ones() =>
        DeviceRuleComparison.Same(Rules(Cri), Rules("""{"devices": [{"allow": false, "type": "a", "major": -1, "access": "rwm"}]}"""))
            .Should().BeTrue();

    [Fact]
    public void Null_and_empty_are_the_same() => DeviceRuleComparison.Same(null, []).Should().BeTrue();

    [Theory]
    [InlineData("""{"devices": [{"allow": true, "access": "rwm"}]}""")]
    [InlineData("""{"devices": [{"allow": false, "access": "rw"}]}""")]
    [InlineData("""{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}]}""")]
    [InlineData("""{"devices": [{"allow": false, "type": "c", "access": "rwm"}]}""")]
    [InlineData("""{"devices": []}""")]
    public void A_different_rule_or_count_differs(string other) =>
        DeviceRuleComparison.Same(Rules(Cri), Rules(other)).Should().BeFalse();

    [Fact]
    public void Order_matters()
    {
        string a = """{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}]}""";
        string b = """{"devices": [{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}, {"allow": false, "access": "rwm"}]}""";
        DeviceRuleComparison.Same(Rules(a), Rules(b)).Should().BeFalse();
    }
}
