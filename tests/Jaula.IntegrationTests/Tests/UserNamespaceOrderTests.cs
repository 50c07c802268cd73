using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// A new user namespace made after the namespaces joined by path (runc's order), what needs the host's privilege in
/// it (sysfs without a network namespace of its own), and the mqueue filesystem made by the mapped root.
/// </summary>
public sealed class UserNamespaceOrderTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private const uint HostBase = 100000;

    [Fact]
    public void A_new_user_namespace_with_a_joined_network_namespace_has_both()
    {
        int pidA = CreateContainer(NewBundle("sleep", "60"));

        CommandResult result = RunScript("readlink /proc/self/ns/net; cat /proc/self/uid_map; id -u; ls /sys/kernel >/dev/null && echo sys-ok", b =>
        {
            b.MapRootTo(HostBase);
            b.SetIdMappings("uidMappings", (0, HostBase, 1000), (1000, 2 * HostBase, 1000));
            b.SetNamespace("network", $"/proc/{pidA}/ns/net");
        });

        Lines(result.ShouldSucceed()).Should().Equal(NamespaceOf(pidA, "net"), $"0 {HostBase} 1000", $"1000 {2 * HostBase} 1000", "0", "sys-ok");
    }

    [Fact]
    public void Without_a_network_namespace_of_its_own_sysfs_is_the_hosts_bound_read_only()
    {
        int pidA = CreateContainer(NewBundle("sleep", "60"));

        CommandResult result = RunScript("awk '$5 == \"/sys\" { print $4, $6 }' /proc/self/mountinfo; touch /sys/x 2>/dev/null || echo ro", b =>
        {
            b.MapRootTo(HostBase);
            b.SetNamespace("network", $"/proc/{pidA}/ns/net");
        });

        Lines(result.ShouldSucceed()).Should().Equal("/ ro,nosuid,nodev,noexec,relatime", "ro");
    }

    [Fact]
    public void The_mqueue_filesystem_belongs_to_the_containers_root_as_under_runc()
    {
        CommandResult result = RunScript("stat -c %u:%g /dev/mqueue", b => b.MapRootTo(HostBase));

        result.ShouldSucceed().Stdout.Trim().Should().Be("0:65534");
    }

    [Fact]
    public void An_empty_range_fails_naming_it_and_leaves_nothing()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            b.MapRootTo(HostBase);
            b.SetIdMappings("gidMappings", (0, HostBase, 0));
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.gidMappings[0].size", "must be greater than 0");

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void More_than_340_ranges_fail_with_the_kernels_limit()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            b.MapRootTo(HostBase);
            b.SetIdMappings("uidMappings", Enumerable.Range(0, 341).Select(i => ((uint)i, HostBase + (uint)i, 1u)).ToArray());
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.uidMappings", "at most 340 lines");
    }

    private int CreateContainer(Bundle bundle)
    {
        string id = NewId();
        Jaula.Create(id, bundle).ShouldSucceed();
        return Jaula.State(id).Pid;
    }

    private static string NamespaceOf(int pid, string file) => new FileInfo($"/proc/{pid}/ns/{file}").LinkTarget!;

    private static string[] Lines(CommandResult result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToArray();
}
