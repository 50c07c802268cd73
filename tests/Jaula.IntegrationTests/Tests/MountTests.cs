using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>mounts[] entries beyond the defaults: binds of directories and files, their flags, tmpfs options.</summary>
public sealed class MountTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void A_read_write_bind_shows_the_host_directory_and_writes_through()
    {
        using var host = new HostDirectory();
        File.WriteAllText(Path.Combine(host.Path, "from-host"), "hi");

        var result = RunScript("cat /data/from-host; echo written > /data/from-container", b => AddMount(b, "/data", host.Path, "bind"));

        result.ShouldSucceed().Stdout.Trim().Should().Be("hi");
        File.ReadAllText(Path.Combine(host.Path, "from-container")).Should().Be("written\n");
    }

    [Fact]
    public void A_read_only_bind_is_really_read_only()
    {
        using var host = new HostDirectory();

        var result = RunScript("touch /data/x && echo WROTE || echo REFUSED; grep ' /data ' /proc/self/mountinfo",
            b => AddMount(b, "/data", host.Path, "bind", "ro", "nosuid", "nodev"));

        result.ShouldSucceed().Stdout.Should().StartWith("REFUSED");
        result.Stdout.Should().MatchRegex(@" /data ro,nosuid,nodev");
        Directory.EnumerateFileSystemEntries(host.Path).Should().BeEmpty();
    }

    [Fact]
    public void A_single_file_can_be_bound_and_its_target_is_created()
    {
        using var host = new HostDirectory();
        string file = Path.Combine(host.Path, "config.txt");
        File.WriteAllText(file, "value=1");

        var result = RunScript("cat /etc/app/config.txt", b => AddMount(b, "/etc/app/config.txt", file, "bind", "ro"));

        result.ShouldSucceed().Stdout.Trim().Should().Be("value=1");
    }

    [Fact]
    public void Rbind_carries_submounts_and_bind_does_not()
    {
        using var host = new HostDirectory();
        // A submount inside the bind source: a small tmpfs made here.
        string sub = Path.Combine(host.Path, "sub");
        Directory.CreateDirectory(sub);
        Shell.Run("mount", "-t", "tmpfs", "-o", "size=1m", "jaula-it-sub", sub).ExitCode.Should().Be(0);
        try
        {
            File.WriteAllText(Path.Combine(sub, "marker"), "m");
            var rbind = RunScript("cat /r/sub/marker", b => AddMount(b, "/r", host.Path, "bind", "rbind"));
            var bind = RunScript("ls /b/sub | wc -l", b => AddMount(b, "/b", host.Path, "bind", "bind"));

            rbind.ShouldSucceed().Stdout.Trim().Should().Be("m");
            bind.ShouldSucceed().Stdout.Trim().Should().Be("0");
        }
        finally
        {
            Shell.Run("umount", sub);
        }
    }

    [Fact]
    public void Tmpfs_options_reach_the_kernel()
    {
        var result = RunScript("grep ' /scratch ' /proc/self/mountinfo",
            b => AddMount(b, "/scratch", "tmpfs", "tmpfs", "nosuid", "noexec", "size=1m", "mode=1770"));

        result.ShouldSucceed().Stdout.Should().Contain("nosuid").And.Contain("noexec").And.Contain("mode=1770").And.Contain("size=1024k");
    }

    [Fact]
    public void A_missing_bind_source_is_named()
    {
        var result = CreateWith(b => AddMount(b, "/data", "/nonexistent/jaula-it-source", "bind"));

        result.ShouldFailWith("mounts[", "/nonexistent/jaula-it-source", "no such file");
    }

    [Fact]
    public void No_pivot_moves_the_rootfs_and_chroots()
    {
        string id = NewId();
        using var bundle = NewBundle("sh", "-c", "cat /proc/self/mountinfo | wc -l; echo $$");

        var result = Jaula.Run(id, bundle, "--no-pivot");

        result.ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Should().Be("1");
    }

    private CommandResult CreateWith(Action<Bundle> tweak)
    {
        using var bundle = NewBundle(tweak, "true");
        return Jaula.Create(NewId(), bundle);
    }

    private static void AddMount(Bundle bundle, string destination, string source, string type, params string[] options)
    {
        bundle.Config["mounts"]!.AsArray().Add((JsonNode)new JsonObject
        {
            ["destination"] = destination,
            ["type"] = type,
            ["source"] = source,
            ["options"] = new JsonArray(options.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray()),
        });
    }

    /// <summary>A host directory for bind sources, removed afterwards.</summary>
    private sealed class HostDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("jaula-it-host-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
