using FluentAssertions;
using Jaula.Cgroups.Resctrl;
using Jaula.Oci;
using Xunit;

namespace Jaula.Cgroups.Tests.Resctrl;

/// <summary>linux.intelRdt against a temp dir laid out like a resctrl mount (info/, groups with schemata and tasks).</summary>
public sealed class ResctrlGroupsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("jaula-resctrl-tests-").FullName;

    public ResctrlGroupsTests()
    {
        foreach (string info in new[] { "L3", "MB", "L3_MON" })
            Directory.CreateDirectory(Path.Combine(_root, "info", info));
        Populate(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>What the kernel makes in every new CTRL_MON group (a MON group has tasks only).</summary>
    private static void Populate(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "tasks"), "");
        if (Path.GetFileName(Path.GetDirectoryName(dir)) == "mon_groups")
            return;
        File.WriteAllText(Path.Combine(dir, "schemata"), "");
        Directory.CreateDirectory(Path.Combine(dir, "mon_groups"));
    }

    private ResctrlGroups Groups() => new(_root, Populate);

    private string Read(params string[] parts) => File.ReadAllText(Path.Combine([_root, .. parts]));

    [Fact]
    public void Without_closID_the_group_is_the_container_id_written_in_the_spec_order_and_removed_at_delete()
    {
        var record = Groups().Apply(new IntelRdtSpec
        {
            L3CacheSchema = "L3:0=7f0;1=1f", MemBwSchema = "MB:0=20;1=70", Schemata = ["L2:0=3"],
        }, "c1", 4242);

        record.Group.Should().Be(Path.Combine(_root, "c1"));
        record.RemoveGroup.Should().BeTrue();
        Read("c1", "schemata").Should().Be("L3:0=7f0;1=1f\nMB:0=20;1=70\nL2:0=3\n");
        Read("c1", "tasks").Should().Be("4242\n");
        Read("tasks").Should().BeEmpty();

        ResctrlGroups.Remove(record);
        Directory.Exists(Path.Combine(_root, "c1")).Should().BeFalse();
    }

    [Fact]
    public void A_new_closID_group_is_made_and_written_but_kept_at_delete()
    {
        var record = Groups().Apply(new IntelRdtSpec { ClosId = "gold", L3CacheSchema = "L3:0=ff" }, "c1", 7);

        Read("gold", "schemata").Should().Be("L3:0=ff\n");
        Read("gold", "tasks").Should().Be("7\n");
        record.RemoveGroup.Should().BeFalse();
        ResctrlGroups.Remove(record);
        Directory.Exists(Path.Combine(_root, "gold")).Should().BeTrue();
    }

    [Fact]
    public void A_closID_without_schemata_joins_the_existing_group_and_never_writes_its_schemata()
    {
        Directory.CreateDirectory(Path.Combine(_root, "silver"));
        Populate(Path.Combine(_root, "silver"));
        File.WriteAllText(Path.Combine(_root, "silver", "schemata"), "    L3:0=00ff\n");

        Groups().Apply(new IntelRdtSpec { ClosId = "silver" }, "c1", 9);

        Read("silver", "tasks").Should().Be("9\n");
        Read("silver", "schemata").Should().Be("    L3:0=00ff\n");
    }

    [Fact]
    public void A_closID_without_schemata_that_does_not_exist_is_refused_and_nothing_is_made()
    {
        var act = () => Groups().Apply(new IntelRdtSpec { ClosId = "nosuch" }, "c1", 9);

        act.Should().Throw<ResctrlException>().WithMessage("linux.intelRdt.closID: the resctrl group */nosuch does not exist*");
        Directory.Exists(Path.Combine(_root, "nosuch")).Should().BeFalse();
    }

    [Fact]
    public void An_existing_closID_group_is_compared_as_the_kernel_prints_it_and_a_mismatch_is_refused()
    {
        string silver = Path.Combine(_root, "silver");
        Directory.CreateDirectory(silver);
        Populate(silver);
        File.WriteAllText(Path.Combine(silver, "schemata"), "    L3:0=000ff;1=0001f\n    MB:0=100;1=100\n");

        Groups().Apply(new IntelRdtSpec { ClosId = "silver", L3CacheSchema = "L3:0=ff;1=1f", MemBwSchema = "MB:0=100" }, "c1", 5);
        Read("silver", "tasks").Should().Be("5\n");

        var act = () => Groups().Apply(new IntelRdtSpec { ClosId = "silver", MemBwSchema = "MB:0=50" }, "c2", 6);
        act.Should().Throw<ResctrlException>().WithMessage("linux.intelRdt.memBwSchema: \"MB:0=50\" does not match*");
        Read("silver", "schemata").Should().Be("    L3:0=000ff;1=0001f\n    MB:0=100;1=100\n");
    }

    [Fact]
    public void ClosID_slash_is_the_root_group()
    {
        var record = Groups().Apply(new IntelRdtSpec { ClosId = "/" }, "c1", 11);

        record.Group.Should().Be(_root);
        Read("tasks").Should().Be("11\n");
        ResctrlGroups.Remove(record);
        Directory.Exists(_root).Should().BeTrue();
    }

    [Fact]
    public void EnableMonitoring_adds_a_MON_group_named_after_the_container_removed_at_delete()
    {
        var record = Groups().Apply(new IntelRdtSpec { ClosId = "gold", Schemata = ["L3:0=f"], EnableMonitoring = true }, "c1", 13);

        record.MonGroup.Should().Be(Path.Combine(_root, "gold", "mon_groups", "c1"));
        Read("gold", "tasks").Should().Be("13\n");
        Read("gold", "mon_groups", "c1", "tasks").Should().Be("13\n");

        ResctrlGroups.AddProcess(record, 14);
        Read("gold", "tasks").Should().Be("13\n14\n");
        Read("gold", "mon_groups", "c1", "tasks").Should().Be("13\n14\n");

        ResctrlGroups.Remove(record);
        Directory.Exists(record.MonGroup).Should().BeFalse();
        Directory.Exists(Path.Combine(_root, "gold")).Should().BeTrue();
    }

    [Theory]
    [InlineData("L3", "l3CacheSchema", "CAT")]
    [InlineData("MB", "memBwSchema", "MBA")]
    [InlineData("L3_MON", "enableMonitoring", "CMT/MBM")]
    public void A_feature_the_CPU_lacks_is_refused_naming_the_field_before_anything_is_made(string info, string field, string feature)
    {
        Directory.Delete(Path.Combine(_root, "info", info));
        var rdt = new IntelRdtSpec { L3CacheSchema = "L3:0=f", MemBwSchema = "MB:0=10", EnableMonitoring = true };

        var act = () => Groups().Apply(rdt, "c1", 1);

        act.Should().Throw<ResctrlException>().WithMessage($"linux.intelRdt.{field}: *no info/{info}*{feature}*");
        Directory.Exists(Path.Combine(_root, "c1")).Should().BeFalse();
    }

    [Fact]
    public void A_failure_after_the_group_was_made_removes_it()
    {
        // The kernel refuses a MON group when no RMID is left; here mkdir fails because mon_groups is missing.
        var groups = new ResctrlGroups(_root, dir =>
        {
            File.WriteAllText(Path.Combine(dir, "tasks"), "");
            File.WriteAllText(Path.Combine(dir, "schemata"), "");
        });

        var act = () => groups.Apply(new IntelRdtSpec { Schemata = ["L3:0=f"], EnableMonitoring = true }, "c1", 1);

        act.Should().Throw<ResctrlException>().WithMessage("linux.intelRdt.enableMonitoring: mkdir */c1/mon_groups/c1: No such file or directory");
        Directory.Exists(Path.Combine(_root, "c1")).Should().BeFalse();
    }

    [Fact]
    public void The_mount_is_found_in_mountinfo()
    {
        string mountInfo = Path.Combine(_root, "mountinfo");
        File.WriteAllText(mountInfo, "22 1 0:21 / /sys rw - sysfs sysfs rw\n40 22 0:36 / /sys/fs/res\\040ctrl rw,relatime shared:20 - resctrl resctrl rw\n");
        ResctrlMount.Find(mountInfo).Should().Be("/sys/fs/res ctrl");

        File.WriteAllText(mountInfo, "22 1 0:21 / /sys rw - sysfs sysfs rw\n");
        ResctrlMount.Find(mountInfo).Should().BeNull();
    }

    [Fact]
    public void Without_a_mount_the_reason_says_whether_the_CPU_has_RDT()
    {
        string cpuinfo = Path.Combine(_root, "cpuinfo");
        File.WriteAllText(cpuinfo, "processor\t: 0\nflags\t\t: fpu vme sse rdt_a cat_l3\n");
        ResctrlMount.NotMountedReason(cpuinfo).Should().Contain("mount -t resctrl resctrl /sys/fs/resctrl").And.NotContain("no RDT");

        File.WriteAllText(cpuinfo, "processor\t: 0\nflags\t\t: fpu vme sse\n");
        ResctrlMount.NotMountedReason(cpuinfo).Should().Contain("this CPU has no RDT");
    }
}
