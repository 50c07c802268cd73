using FluentAssertions;
using Jaula.Oci;
using Jaula.Runtime;
using Jaula.Runtime.Lifecycle;
using Xunit;

namespace Jaula.UnitTests.Runtime;

public class HostMountNamespaceTests
{
    private static Spec Spec(Action<LinuxSpec>? tweak = null, params string[] namespaces)
    {
        var linux = new LinuxSpec { Namespaces = [.. namespaces.Select(t => new NamespaceSpec { Type = t })] };
        tweak?.Invoke(linux);
        return new Spec { OciVersion = "1.3.0", Linux = linux };
    }

    private static void Check(Spec spec) => HostMountNamespace.Check(spec, NamespacePlan.From(spec));

    [Fact]
    public void A_plain_config_without_a_mount_namespace_passes() =>
        FluentActions.Invoking(() => Check(Spec(null, "pid", "network"))).Should().NotThrow();

    [Theory]
    [InlineData("linux.maskedPaths")]
    [InlineData("linux.readonlyPaths")]
    [InlineData("linux.rootfsPropagation")]
    public void What_needs_a_mount_namespace_of_its_own_is_refused_by_field(string field)
    {
        var spec = Spec(l =>
        {
            switch (field)
            {
                case "linux.maskedPaths": l.MaskedPaths = ["/proc/kcore"]; break;
                case "linux.readonlyPaths": l.ReadonlyPaths = ["/proc/sys"]; break;
                default: l.RootfsPropagation = "rslave"; break;
            }
        }, "pid");

        FluentActions.Invoking(() => Check(spec)).Should().Throw<JaulaException>().WithMessage($"{field}: *");
    }

    [Fact]
    public void A_user_namespace_without_a_mount_namespace_is_refused() =>
        FluentActions.Invoking(() => Check(Spec(null, "pid", "user"))).Should().Throw<JaulaException>()
            .WithMessage("linux.namespaces: *user namespace*");
}
