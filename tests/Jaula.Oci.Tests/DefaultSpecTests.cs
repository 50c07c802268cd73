using System.Text.Json;

namespace Jaula.Oci.Tests;

public class DefaultSpecTests
{
    [Fact]
    public void Privileged_default_validates()
    {
        SpecValidator.Validate(DefaultSpec.Create(rootless: false)).Should().BeEmpty();
    }

    [Fact]
    public void Privileged_default_satisfies_the_spec_schema()
    {
        var json = JsonSerializer.Serialize(DefaultSpec.Create(rootless: false), OciJson.TabIndented.Spec);

        Schemas.Errors(Schemas.Config, json).Should().BeEmpty();
    }

    [Fact]
    public void Rootless_default_validates()
    {
        SpecValidator.Validate(DefaultSpec.Create(rootless: true)).Should().BeEmpty();
    }

    [Fact]
    public void Rootless_default_satisfies_the_spec_schema()
    {
        var json = JsonSerializer.Serialize(DefaultSpec.Create(rootless: true), OciJson.TabIndented.Spec);

        Schemas.Errors(Schemas.Config, json).Should().BeEmpty();
    }

    [Fact]
    public void Privileged_default_is_runcs_starter_config_with_a_terminal()
    {
        var spec = DefaultSpec.CreatePrivileged();

        spec.OciVersion.Should().Be("1.3.0");
        spec.Process!.Terminal.Should().BeTrue();
        spec.Process.Args.Should().Equal("sh");
        spec.Process.Env.Should().Equal("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm");
        spec.Process.Capabilities!.Bounding.Should().Equal("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        spec.Process.Capabilities.Effective.Should().Equal(spec.Process.Capabilities.Bounding);
        spec.Process.Capabilities.Permitted.Should().Equal(spec.Process.Capabilities.Bounding);
        spec.Process.Capabilities.Ambient.Should().BeNull();
        spec.Process.Capabilities.Inheritable.Should().BeNull();
        spec.Process.Rlimits.Should().ContainSingle(r => r.Type == "RLIMIT_NOFILE" && r.Soft == 1024 && r.Hard == 1024);
        spec.Process.NoNewPrivileges.Should().BeTrue();
        spec.Root!.Readonly.Should().BeTrue();
        spec.Hostname.Should().Be("jaula");
        spec.Mounts!.Select(m => m.Destination).Should().Equal(
            "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup");
        spec.Linux!.Namespaces!.Select(n => n.Type).Should().Equal("pid", "network", "ipc", "uts", "mount", "cgroup");
        spec.Linux.Resources.Should().BeNull();
        spec.Linux.MaskedPaths.Should().Contain(["/proc/kcore", "/sys/firmware", "/proc/scsi"]);
        spec.Linux.ReadonlyPaths.Should().Equal("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
    }

    [Fact]
    public void Rootless_default_maps_the_caller_to_root_like_runc_spec_rootless()
    {
        var spec = DefaultSpec.CreateRootless(1000, 1001);

        var linux = spec.Linux!;
        linux.Namespaces!.Select(n => n.Type).Should().Equal("pid", "ipc", "uts", "mount", "cgroup", "user");
        linux.UidMappings.Should().ContainSingle().Which.Should().BeEquivalentTo(new { ContainerId = 0u, HostId = 1000u, Size = 1u });
        linux.GidMappings.Should().ContainSingle().Which.Should().BeEquivalentTo(new { ContainerId = 0u, HostId = 1001u, Size = 1u });
        var sys = spec.Mounts!.Single(m => m.Destination == "/sys");
        sys.Type.Should().Be("none");
        sys.Source.Should().Be("/sys");
        sys.Options.Should().Equal("rbind", "nosuid", "noexec", "nodev", "ro");
        spec.Mounts!.Single(m => m.Destination == "/dev/pts").Options.Should().NotContain(o => o.StartsWith("gid="));
        spec.Mounts!.Should().Contain(m => m.Destination == "/sys/fs/cgroup");
    }

    [Fact]
    public void Rootless_default_maps_the_current_effective_ids()
    {
        var status = File.ReadAllLines("/proc/self/status");
        uint Effective(string prefix) => uint.Parse(status.Single(l => l.StartsWith(prefix)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]);

        var linux = DefaultSpec.Create(rootless: true).Linux!;

        linux.UidMappings!.Single().HostId.Should().Be(Effective("Uid:"));
        linux.GidMappings!.Single().HostId.Should().Be(Effective("Gid:"));
    }

    [Fact]
    public void Each_call_returns_a_fresh_spec()
    {
        var first = DefaultSpec.CreatePrivileged();
        first.Process!.Capabilities!.Bounding!.Add("CAP_SYS_ADMIN");
        first.Mounts!.Clear();

        var second = DefaultSpec.CreatePrivileged();

        second.Process!.Capabilities!.Bounding.Should().HaveCount(3);
        second.Mounts.Should().HaveCount(7);
    }
}
