using FluentAssertions;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Runtime;
using Jaula.Runtime.Lifecycle;
using Xunit;

namespace Jaula.UnitTests.Runtime;

public class NamespacePlanTests
{
    private static Spec With(params NamespaceSpec[] namespaces) =>
        new() { OciVersion = "1.3.0", Linux = new LinuxSpec { Namespaces = [.. namespaces] } };

    [Fact]
    public void New_namespaces_are_cloned_except_cgroup_and_time_which_are_unshared_after_placement()
    {
        var plan = NamespacePlan.From(With(
            new NamespaceSpec { Type = "pid" }, new NamespaceSpec { Type = "mount" }, new NamespaceSpec { Type = "user" },
            new NamespaceSpec { Type = "cgroup" }, new NamespaceSpec { Type = "time" }));
        plan.CreateFlags.Should().Be(CloneFlags.NewPid | CloneFlags.NewNs | CloneFlags.NewUser);
        plan.UnshareFlags.Should().Be(CloneFlags.NewCgroup | CloneFlags.NewTime);
        plan.NewUser.Should().BeTrue();
        plan.OwnMount.Should().BeTrue();
    }

    [Fact]
    public void Namespaces_with_a_path_are_joined_and_name_their_field()
    {
        var plan = NamespacePlan.From(With(new NamespaceSpec { Type = "mount" }, new NamespaceSpec { Type = "network", Path = "/proc/1/ns/net" }));
        plan.Joins.Should().ContainSingle().Which.Should().Be((CloneFlags.NewNet, "/proc/1/ns/net", "linux.namespaces[1].path"));
        plan.CreateFlags.Should().Be(CloneFlags.NewNs);
    }

    [Fact]
    public void With_a_new_user_namespace_ipc_is_unshared_late_by_the_mapped_root()
    {
        var plan = NamespacePlan.From(With(new NamespaceSpec { Type = "mount" }, new NamespaceSpec { Type = "ipc" }, new NamespaceSpec { Type = "user" }));
        plan.CreateFlags.Should().Be(CloneFlags.NewNs | CloneFlags.NewUser);
        plan.UnshareFlags.Should().Be(CloneFlags.NewIpc);
        plan.UserAfterJoins.Should().BeFalse();
    }

    [Fact]
    public void A_new_user_namespace_with_joined_ones_is_made_after_the_joins()
    {
        var plan = NamespacePlan.From(With(new NamespaceSpec { Type = "mount" }, new NamespaceSpec { Type = "user" },
            new NamespaceSpec { Type = "network", Path = "/proc/1/ns/net" }));
        plan.UserAfterJoins.Should().BeTrue();
        plan.NewUser.Should().BeTrue();
        plan.Joins.Should().ContainSingle();
    }

    [Fact]
    public void Unknown_types_name_the_field()
    {
        var act = () => NamespacePlan.From(With(new NamespaceSpec { Type = "bogus" }));
        act.Should().Throw<JaulaException>().WithMessage("linux.namespaces*bogus*");
    }
}
