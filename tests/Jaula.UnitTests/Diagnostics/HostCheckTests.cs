using System.Text.Json;
using FluentAssertions;
using Jaula.Cli.Commands;
using Jaula.Diagnostics;
using Xunit;

namespace Jaula.UnitTests.Diagnostics;

public sealed class HostCheckTests : IDisposable
{
    private readonly FakeHost _host = new();

    public void Dispose() => _host.Dispose();

    private HostCheckResult Find(string area, string name) =>
        _host.Run().Checks.Single(c => c.Area == area && c.Name == name);

    [Fact]
    public void A_healthy_host_can_run_a_default_container()
    {
        _host.Run().CanRunDefaultContainer.Should().BeTrue();
    }

    [Fact]
    public void A_kernel_older_than_openat2_is_missing_and_blocks_every_container()
    {
        _host.Write("/proc/sys/kernel/osrelease", "5.4.0-generic\n");
        _host.Kernel.MissingSyscalls.Add("openat2");

        HostCheckReport report = _host.Run();

        report.CanRunDefaultContainer.Should().BeFalse();
        var version = report.Checks.Single(c => c.Name == "version");
        version.Status.Should().Be(CheckStatus.Missing);
        version.Detail.Should().Contain("5.4.0-generic").And.Contain("5.6");
        report.Checks.Single(c => c.Name == "openat2").Fix.Should().Contain("5.6");
        CheckCommand.FormatText(report).Should().EndWith("cannot run on this host: missing version, openat2\n");
    }

    [Fact]
    public void A_missing_optional_syscall_warns_without_blocking()
    {
        _host.Kernel.MissingSyscalls.Add("mount_setattr");

        HostCheckReport report = _host.Run();

        report.CanRunDefaultContainer.Should().BeTrue();
        report.Checks.Single(c => c.Name == "mount_setattr").Status.Should().Be(CheckStatus.Missing);
    }

    [Theory]
    [InlineData(FakeHost.HybridMountinfo, "hybrid")]
    [InlineData("40 30 0:37 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "v2 (unified) at /sys/fs/cgroup")]
    [InlineData("31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n", "v1 (legacy)")]
    public void The_cgroup_mode_comes_from_mountinfo(string mountinfo, string expected)
    {
        _host.Write("/proc/self/mountinfo", mountinfo);

        Find("cgroups", "mode").Detail.Should().StartWith(expected);
    }

    [Fact]
    public void Each_controller_says_where_it_is_mounted_or_how_to_mount_it()
    {
        Find("cgroups", "controller memory").Detail.Should().Be("v1 at /sys/fs/cgroup/memory");
        Find("cgroups", "controller hugetlb").Detail.Should().Be("v2 at /sys/fs/cgroup/unified");
        var netCls = Find("cgroups", "controller net_cls");
        netCls.Status.Should().Be(CheckStatus.Warning);
        netCls.Fix.Should().Contain("mount -t cgroup -o net_cls");
        Find("cgroups", "controller rdma").Detail.Should().Contain("disabled");
    }

    [Fact]
    public void The_systemd_driver_is_ok_only_on_a_unified_host_with_systemd_and_its_socket()
    {
        Find("cgroups", "systemd cgroup driver").Detail.Should().Contain("works on unified cgroup v2 only");

        _host.Write("/proc/self/mountinfo", "40 30 0:37 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        Find("cgroups", "systemd cgroup driver").Detail.Should().Contain("systemd is not PID 1");

        _host.Write("/proc/1/comm", "systemd\n");
        Find("cgroups", "systemd cgroup driver").Status.Should().Be(CheckStatus.Warning);

        _host.Write("/run/systemd/private", "");
        var ok = Find("cgroups", "systemd cgroup driver");
        ok.Status.Should().Be(CheckStatus.Ok);
        ok.Detail.Should().Contain("delegated scope");
    }

    [Fact]
    public void No_cgroup_filesystem_is_missing()
    {
        _host.Write("/proc/self/mountinfo", "1 0 0:1 / / rw - ext4 /dev/vda rw\n");

        Find("cgroups", "mode").Status.Should().Be(CheckStatus.Missing);
    }

    [Fact]
    public void A_bounding_set_without_CAP_SYS_RESOURCE_names_it()
    {
        _host.Write("/proc/self/status", "Seccomp:\t0\nCapBnd:\t000001fffeffffff\n"); // bit 24 clear

        var check = Find("security", "capability bounding set");

        check.Status.Should().Be(CheckStatus.Warning);
        check.Detail.Should().Contain("CAP_SYS_RESOURCE").And.NotContain("CAP_SYS_ADMIN");
    }

    [Fact]
    public void A_low_nofile_hard_limit_says_what_engines_ask_and_the_fix()
    {
        _host.Kernel.NofileHard = 20000;

        var check = Find("limits", "RLIMIT_NOFILE");

        check.Status.Should().Be(CheckStatus.Warning);
        check.Detail.Should().Contain("20000").And.Contain("1048576");
        check.Fix.Should().Contain("at most 20000");
    }

    [Fact]
    public void Subordinate_ids_are_looked_up_for_the_callers_name()
    {
        Find("rootless", "/etc/subuid").Status.Should().Be(CheckStatus.Warning);

        _host.Write("/etc/subuid", "alice:100000:65536\n");

        Find("rootless", "/etc/subuid").Detail.Should().Be("alice has subordinate ids");
    }

    [Fact]
    public void Tools_are_found_on_the_path()
    {
        Find("tools", "criu").Status.Should().Be(CheckStatus.Warning);

        _host.Write("/usr/bin/criu", "");

        Find("tools", "criu").Detail.Should().Be("/usr/bin/criu (criu check: ok)");
    }

    [Fact]
    public void A_criu_that_fails_its_own_check_is_a_warning_quoting_its_reason()
    {
        _host.Write("/usr/bin/criu", "");
        _host.Kernel.CriuProblem = "Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable";

        var result = Find("tools", "criu");

        result.Status.Should().Be(CheckStatus.Warning);
        result.Detail.Should().Contain("does not work on this kernel").And.Contain("vdso: Failed to fill self vdso symtable");
    }

    [Fact]
    public void Unsupported_seccomp_flags_are_named()
    {
        Find("security", "seccomp filter flags").Detail.Should().Contain("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
    }

    [Fact]
    public void Inactive_LSMs_name_the_fields_they_would_serve()
    {
        Find("security", "apparmor").Detail.Should().Contain("process.apparmorProfile");

        _host.Write("/sys/kernel/security/lsm", "capability,apparmor\n");

        Find("security", "apparmor").Status.Should().Be(CheckStatus.Ok);
    }

    [Fact]
    public void Json_statuses_are_lowercase_words()
    {
        string json = JsonSerializer.Serialize(_host.Run(), DiagnosticsJson.Default.HostCheckReport);

        using var doc = JsonDocument.Parse(json);
        doc.RootElement.GetProperty("canRunDefaultContainer").GetBoolean().Should().BeTrue();
        doc.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("status").GetString())
            .Should().OnlyContain(s => s == "ok" || s == "warning" || s == "missing");
    }
}
