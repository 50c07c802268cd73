using FluentAssertions;
using Jaula.Cgroups;
using Jaula.Oci;
using Jaula.Runtime;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>The delete ticket: when create writes it, and the lines native/fast_delete.c carries out.</summary>
public sealed class DeleteTicketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-ticket-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ContainerRecord Record(CgroupRecord? cgroup = null, HooksSpec? hooks = null) => new()
    {
        Id = "c1",
        Bundle = "/b",
        Rootfs = "/b/rootfs",
        Pid = 4242,
        PidStartTime = 777,
        Created = "2026-12-06T00:00:00Z",
        Cgroup = cgroup,
        Hooks = hooks,
    };

    private static CgroupRecord V1(params string[] createdParents) => new()
    {
        Version = 1,
        Paths = new() { ["cpu"] = "/sys/fs/cgroup/cpu/a/b/c1", ["memory"] = "/sys/fs/cgroup/memory/a/b/c1" },
        Roots = new() { ["cpu"] = "/sys/fs/cgroup/cpu", ["memory"] = "/sys/fs/cgroup/memory" },
        CreatedParents = [.. createdParents],
    };

    [Fact]
    public void The_ticket_lists_the_cgroups_then_the_created_parents_deepest_first()
    {
        DeleteTicket.Format(Record(V1("/sys/fs/cgroup/cpu/a", "/sys/fs/cgroup/cpu/a/b"))).Should().Be(
            "jaula-delete-ticket 1 4242 777\n" +
            "d /sys/fs/cgroup/cpu/a/b/c1\n" +
            "d /sys/fs/cgroup/memory/a/b/c1\n" +
            "p /sys/fs/cgroup/cpu/a/b\n" +
            "p /sys/fs/cgroup/cpu/a\n");
        DeleteTicket.Format(Record()).Should().Be("jaula-delete-ticket 1 4242 777\n", "a container without cgroups has only its state");
    }

    [Fact]
    public void Anything_delete_must_do_in_managed_code_means_no_ticket()
    {
        DeleteTicket.Applies(Record(V1()), ownMountNamespace: true).Should().BeTrue();
        DeleteTicket.Applies(Record(V1()), ownMountNamespace: false).Should().BeFalse("mounts in the host's namespace are removed by C#");
        DeleteTicket.Applies(Record(V1(), new HooksSpec { Poststop = [new HookSpec { Path = "/bin/true" }] }), true).Should().BeFalse();
        DeleteTicket.Applies(Record(V1() with { SystemdUnit = "jaula-c1.scope" }), true).Should().BeFalse("systemd stops its unit over D-Bus");
        var withResctrl = Record(V1());
        withResctrl.IntelRdt = new Jaula.Cgroups.Resctrl.ResctrlRecord { Group = "/" };
        DeleteTicket.Applies(withResctrl, true).Should().BeFalse("resctrl groups are removed by C#");

        DeleteTicket.WriteIfApplies(_dir, Record(V1()), ownMountNamespace: false);
        Directory.GetFiles(_dir).Should().BeEmpty();
        DeleteTicket.WriteIfApplies(_dir, Record(V1()), ownMountNamespace: true);
        Directory.GetFiles(_dir).Select(Path.GetFileName).Should().Equal(DeleteTicket.FileName);
    }

    [Fact]
    public void A_path_a_line_cannot_carry_or_a_ticket_too_long_is_not_written()
    {
        var odd = V1() with { Paths = new() { ["cpu"] = "/sys/fs/cgroup/cpu/a\nd /etc" } };
        DeleteTicket.Format(Record(odd)).Should().BeNull();
        var relative = V1() with { Paths = new() { ["cpu"] = "sys/fs/cgroup/cpu/a" } };
        DeleteTicket.Format(Record(relative)).Should().BeNull();
        var huge = V1() with { Paths = Enumerable.Range(0, 10).ToDictionary(i => $"h{i}", i => "/" + new string('x', 2000)) };
        DeleteTicket.Format(Record(huge)).Should().BeNull();
    }
}
