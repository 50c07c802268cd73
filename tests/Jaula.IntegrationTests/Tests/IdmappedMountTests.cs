using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>mounts[].uidMappings/gidMappings and the idmap/ridmap options: the files' owners seen through the mapping.</summary>
public sealed class IdmappedMountTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    private const uint HostBase = 100000;

    [Fact]
    public void Owners_in_an_idmapped_bind_mount_are_shifted_by_its_mapping()
    {
        using var host = HostWithFiles();

        CommandResult result = RunScript("stat -c '%n %u:%g' /data/by-root /data/by-7", b =>
        {
            int index = b.AddMount("/data", host.Path, "bind", "bind", "ro");
            SetMountMappings(b, index, (0, 5000, 100));
        });

        result.ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Should().Equal("/data/by-root 5000:5000", "/data/by-7 5007:5008");
    }

    [Fact]
    public void The_idmap_option_alone_maps_through_the_containers_user_namespace()
    {
        using var host = HostWithFiles();
        File.SetUnixFileMode(host.Path, (UnixFileMode)Convert.ToInt32("777", 8));

        CommandResult result = RunScript("stat -c '%u:%g' /data/by-root /plain/by-root; touch /data/made-inside", b =>
        {
            b.MapRootTo(HostBase);
            b.AddMount("/data", host.Path, "bind", "rbind", "idmap");
            b.AddMount("/plain", host.Path, "bind", "rbind");
        });

        result.ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Should().Equal("0:0", "65534:65534");
        Shell.Run("/usr/bin/stat", "-c", "%u:%g", Path.Combine(host.Path, "made-inside")).Stdout.Trim()
            .Should().Be("0:0", "the container's root writes through the mapping as the host's root");
    }

    [Fact]
    public void The_idmap_option_without_mappings_or_a_user_namespace_is_refused_naming_the_mount()
    {
        using var host = new HostDirectory();
        string id = NewId();
        int index = -1;
        Bundle bundle = NewBundle(b => index = b.AddMount("/data", host.Path, "bind", "rbind", "idmap"), "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, $"mounts[{index}]", "container's user namespace");

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void An_idmapped_mount_that_is_not_a_bind_is_refused()
    {
        string id = NewId();
        int index = -1;
        Bundle bundle = NewBundle(b =>
        {
            index = b.AddMount("/data", "tmpfs", "tmpfs");
            SetMountMappings(b, index, (0, 5000, 100));
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, $"mounts[{index}]", "bind mounts");
    }

    /// <summary>A host directory (0755: the container's root is not its owner through the mapping) holding by-root (0:0) and by-7 (7:8).</summary>
    private static HostDirectory HostWithFiles()
    {
        var host = new HostDirectory();
        File.SetUnixFileMode(host.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        File.WriteAllText(Path.Combine(host.Path, "by-root"), "");
        File.WriteAllText(Path.Combine(host.Path, "by-7"), "");
        Shell.Run("/bin/chown", "7:8", Path.Combine(host.Path, "by-7"));
        return host;
    }

    private static void SetMountMappings(Bundle bundle, int index, (uint ContainerId, uint HostId, uint Size) range)
    {
        JsonObject mount = bundle.Config["mounts"]![index]!.AsObject();
        foreach (string field in new[] { "uidMappings", "gidMappings" })
        {
            mount[field] = new JsonArray(new JsonObject
            {
                ["containerID"] = range.ContainerId,
                ["hostID"] = range.HostId,
                ["size"] = range.Size,
            });
        }
    }
}
