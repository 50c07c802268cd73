using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>A user namespace with linux.uidMappings/gidMappings: root inside is an unprivileged id range outside.</summary>
public sealed class UserNamespaceTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private const uint HostBase = 100000;
    private const uint RangeSize = 65536;
    private static readonly string s_hostOwner = $"{HostBase}:{HostBase}";

    [Fact]
    public void Root_inside_is_the_mapped_host_range()
    {
        CommandResult result = RunScript("id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map", b => b.MapRootTo(HostBase));

        Lines(result.ShouldSucceed()).Should().Equal("0", "0", $"0 {HostBase} {RangeSize}", $"0 {HostBase} {RangeSize}");
    }

    [Fact]
    public void A_file_created_in_a_bind_mounted_host_directory_belongs_to_the_mapped_host_id()
    {
        using var host = new HostDirectory(owner: s_hostOwner);

        RunScript("echo hi > /data/made-inside", b =>
        {
            b.MapRootTo(HostBase);
            b.AddMount("/data", host.Path, "bind", "rbind", "rw");
        }).ShouldSucceed();

        Shell.Run("/usr/bin/stat", "-c", "%u:%g", Path.Combine(host.Path, "made-inside")).Stdout.Trim().Should().Be(s_hostOwner);
    }

    [Fact]
    public void Several_ranges_are_all_written()
    {
        CommandResult result = RunScript("cat /proc/self/uid_map", b =>
        {
            b.MapRootTo(HostBase);
            b.SetIdMappings("uidMappings", (0, HostBase, 1000), (1000, 2 * HostBase, 1000));
        });

        Lines(result.ShouldSucceed()).Should().Equal($"0 {HostBase} 1000", $"1000 {2 * HostBase} 1000");
    }

    [Fact]
    public void Overlapping_ranges_fail_naming_the_field_and_leave_nothing()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            b.MapRootTo(HostBase);
            b.SetIdMappings("uidMappings", (0, HostBase, 1000), (500, 2 * HostBase, 1000));
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.uidMappings");

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    /// <summary>Lines with runs of blanks collapsed: uid_map pads its columns.</summary>
    private static string[] Lines(CommandResult result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToArray();
}
