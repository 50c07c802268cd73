using Jaula.Cgroups.Systemd;

namespace Jaula.Cgroups.Tests.Systemd;

public sealed class SystemdUnitPathTests
{
    [Theory]
    [InlineData("system.slice:jaula:c1", "system.slice", "jaula-c1.scope", "/system.slice/jaula-c1.scope")]
    [InlineData(":docker:abc", "system.slice", "docker-abc.scope", "/system.slice/docker-abc.scope")]
    [InlineData("machine-test.slice:p:n", "machine-test.slice", "p-n.scope", "/machine.slice/machine-test.slice/p-n.scope")]
    [InlineData("-.slice::n", "-.slice", "n.scope", "/n.scope")]
    [InlineData("system.slice:x:jaula-box.slice", "system.slice", "jaula-box.slice", "/jaula.slice/jaula-box.slice")]
    [InlineData("", "system.slice", "jaula-c1.scope", "/system.slice/jaula-c1.scope")]
    public void Parses_runcs_slice_prefix_name_form(string cgroupsPath, string slice, string unit, string cgroup)
    {
        var path = SystemdUnitPath.Parse(cgroupsPath, "c1");
        path.Slice.Should().Be(slice);
        path.Unit.Should().Be(unit);
        path.CgroupPath.Should().Be(cgroup);
    }

    [Theory]
    [InlineData("/jaula/c1", "is not of the form \"slice:prefix:name\"")]
    [InlineData("a:b:c:d", "is not of the form")]
    [InlineData("system:jaula:c1", "does not end in \".slice\"")]
    [InlineData("a--b.slice:jaula:c1", "empty component")]
    [InlineData("system.slice:jaula:c/1", "not a valid systemd unit name")]
    public void Refuses_other_forms_naming_the_field(string cgroupsPath, string why)
    {
        FluentActions.Invoking(() => SystemdUnitPath.Parse(cgroupsPath, "c1")).Should().Throw<CgroupException>()
            .Where(e => e.Message.StartsWith("linux.cgroupsPath: ") && e.Message.Contains(why));
    }
}
