using System.Diagnostics;
using FluentAssertions;
using Jaula.Cgroups;
using Jaula.IntegrationTests.Harness;
using Jaula.Oci;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The cgroup v2 manager on the host's real cgroup2 mount (/sys/fs/cgroup/unified on this hybrid host, where only
/// hugetlb is available as a controller): hierarchy, cgroup.procs, cgroup.freeze, hugetlb, stats, cgroup.kill, removal.
/// Works on a sleep this test starts, in a cgroup of its own below /jaula-it.
/// </summary>
public sealed class UnifiedHierarchyTests
{
    private const string Unified = "/sys/fs/cgroup/unified";

    [Fact]
    public void The_v2_manager_drives_the_hosts_cgroup2_mount()
    {
        File.Exists($"{Unified}/cgroup.procs").Should().BeTrue("this host mounts cgroup2 at {0}", Unified);
        string dir = $"{Unified}{CgroupPlacement.Parent}/v2-{Guid.NewGuid():N}";
        var manager = new CgroupV2Manager(new HierarchyPath("", Unified, dir), null, _ => { });
        using var sleep = Reaper.StartOwn(new ProcessStartInfo("sleep", "60"));
        try
        {
            manager.Create();
            manager.AddProcess(sleep.Id);
            manager.Pids().Should().Equal(sleep.Id);
            File.ReadAllText($"/proc/{sleep.Id}/cgroup").Should().Contain($"0::{dir[Unified.Length..]}\n");

            manager.Apply(new LinuxResources { HugepageLimits = [new HugepageLimit { PageSize = "2MB", Limit = 2097152 }] });
            File.ReadAllText($"{dir}/hugetlb.2MB.max").Trim().Should().Be("2097152");
            manager.Stats().Hugetlb["2MB"].Max.Should().Be(2097152);

            manager.Freeze();
            manager.FreezerState().Should().Be(FreezerState.Frozen);
            File.ReadAllText($"{dir}/cgroup.events").Should().Contain("frozen 1");
            manager.Thaw();
            manager.FreezerState().Should().Be(FreezerState.Thawed);

            manager.KillAll(9);
            sleep.WaitForExit(5000).Should().BeTrue("cgroup.kill kills the sleep");

            manager.Destroy();
            Directory.Exists(dir).Should().BeFalse();
        }
        finally
        {
            if (!sleep.HasExited)
                sleep.Kill();
            sleep.WaitForExit();
            if (Directory.Exists(dir))
                manager.Destroy();
        }
    }

    [Fact]
    public void The_v2_device_program_allows_the_listed_devices_and_denies_the_rest()
    {
        string dir = $"{Unified}{CgroupPlacement.Parent}/dev-{Guid.NewGuid():N}";
        string go = Path.Combine(Path.GetTempPath(), $"jaula-it-go-{Guid.NewGuid():N}");
        var manager = new CgroupV2Manager(new HierarchyPath("", Unified, dir), null, _ => { });
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"while [ ! -e {go} ]; do sleep 0.1; done; (echo x > /dev/null) 2>/dev/full && echo null-ok; (head -c 1 /dev/zero) >/dev/null 2>&1 && echo zero-ok || echo zero-denied");
        using var shell = Reaper.StartOwn(start);
        try
        {
            manager.Create();
            manager.AddProcess(shell.Id);
            manager.Apply(new LinuxResources
            {
                Devices =
                [
                    new DeviceCgroupRule { Allow = false, Access = "rwm" },
                    new DeviceCgroupRule { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "rwm" },
                    new DeviceCgroupRule { Allow = true, Type = "c", Major = 1, Minor = 7, Access = "w" },
                ],
            });
            File.WriteAllText(go, "");
            string output = shell.StandardOutput.ReadToEnd();
            shell.WaitForExit(10000).Should().BeTrue();
            output.Should().Contain("null-ok").And.Contain("zero-denied").And.NotContain("zero-ok");
        }
        finally
        {
            if (!shell.HasExited)
                shell.Kill();
            shell.WaitForExit();
            File.Delete(go);
            if (Directory.Exists(dir))
                manager.Destroy();
        }
    }
}
