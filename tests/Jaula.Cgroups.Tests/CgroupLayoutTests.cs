using Jaula.Cgroups;

namespace Jaula.Cgroups.Tests;

public class CgroupLayoutTests
{
    [Fact]
    public void Hybrid_host_has_v1_controllers_and_the_unified_mount()
    {
        using var tree = new FakeCgroupTree();
        var layout = tree.Layout(["cpu", "memory", "pids"], unified: true);
        layout.Mode.Should().Be(CgroupMode.Hybrid);
        layout.V1.Select(h => h.Key).Should().Equal("cpu", "memory", "pids", "name=systemd");
        layout.UnifiedMountPoint.Should().Be(tree["unified"]);
        layout.HierarchyOf("memory")!.MountPoint.Should().Be(tree["memory"]);
    }

    [Fact]
    public void Disabled_controllers_do_not_count_and_name_systemd_is_a_hierarchy_without_controllers()
    {
        using var tree = new FakeCgroupTree();
        var layout = tree.Layout(["memory"], unified: false);
        layout.Mode.Should().Be(CgroupMode.Legacy);
        layout.V1.Select(h => h.Key).Should().Equal("memory", "name=systemd");
        layout.V1[1].IsNamed.Should().BeTrue();
        layout.V1[1].MountPoint.Should().Be(tree["systemd"]);
    }

    [Fact]
    public void Other_named_hierarchies_are_left_alone()
    {
        using var tree = new FakeCgroupTree();
        File.WriteAllLines(tree["mountinfo"], [$"31 30 0:28 / {tree["memory"]} rw - cgroup cgroup rw,memory",
            $"32 30 0:29 / {tree["other"]} rw - cgroup cgroup rw,name=other"]);
        File.WriteAllLines(tree["cgroups"], ["memory\t1\t1\t1"]);
        CgroupLayout.Detect(tree["mountinfo"], tree["cgroups"]).V1.Select(h => h.Key).Should().Equal("memory");
    }

    [Fact]
    public void Name_systemd_beside_a_pure_cgroup2_host_is_still_unified()
    {
        using var tree = new FakeCgroupTree();
        var layout = tree.Layout([], unified: true);
        layout.Mode.Should().Be(CgroupMode.Unified);
        layout.V1.Should().BeEmpty();
    }

    [Fact]
    public void Only_cgroup2_is_unified()
    {
        using var tree = new FakeCgroupTree();
        var layout = tree.Layout([], unified: true);
        layout.Mode.Should().Be(CgroupMode.Unified);
        layout.UnifiedMountPoint.Should().Be(tree["v2"]);
    }

    [Fact]
    public void Comounted_controllers_form_one_hierarchy()
    {
        using var tree = new FakeCgroupTree();
        File.WriteAllLines(tree["mountinfo"], [$"31 30 0:28 / {tree["cpu,cpuacct"]} rw - cgroup cgroup rw,cpu,cpuacct"]);
        File.WriteAllLines(tree["cgroups"], ["cpu\t1\t1\t1", "cpuacct\t1\t1\t1"]);
        var layout = CgroupLayout.Detect(tree["mountinfo"], tree["cgroups"]);
        layout.V1.Should().ContainSingle().Which.Key.Should().Be("cpu,cpuacct");
        layout.HierarchyOf("cpuacct")!.MountPoint.Should().Be(tree["cpu,cpuacct"]);
    }

    [Fact]
    public void No_cgroup_mount_is_an_error()
    {
        using var tree = new FakeCgroupTree();
        File.WriteAllLines(tree["mountinfo"], ["22 1 0:21 / /proc rw - proc proc rw"]);
        File.WriteAllLines(tree["cgroups"], []);
        var act = () => CgroupLayout.Detect(tree["mountinfo"], tree["cgroups"]);
        act.Should().Throw<CgroupException>().WithMessage("*no cgroup filesystem*");
    }

    [Fact]
    public void The_real_host_layout_is_readable()
    {
        // Reads only; what the host has is whatever it has, but detection must not fail where cgroups are mounted.
        if (!File.ReadAllText("/proc/self/mountinfo").Contains(" - cgroup"))
            return;
        CgroupLayout.DetectHost().Should().NotBeNull();
    }
}
