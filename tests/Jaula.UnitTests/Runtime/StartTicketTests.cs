using FluentAssertions;
using Jaula.Oci;
using Jaula.Runtime;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>The start ticket: when create writes it, and the line native/fast_start.c parses.</summary>
public sealed class StartTicketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-ticket-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ContainerRecord Record(HooksSpec? hooks = null, bool noProcess = false) => new()
    {
        Id = "c1",
        Bundle = "/b",
        Rootfs = "/b/rootfs",
        Pid = 4242,
        PidStartTime = 18446744073709551615,
        Created = "2026-12-06T00:00:00Z",
        Hooks = hooks,
        NoProcess = noProcess,
    };

    [Fact]
    public void The_ticket_is_the_line_the_C_start_parses()
    {
        StartTicket.Format(4242, 18446744073709551615).Should().Be("jaula-start-ticket 1 4242 18446744073709551615\n");
        StartTicket.WriteIfApplies(_dir, Record());
        File.ReadAllText(Path.Combine(_dir, StartTicket.FileName)).Should().Be("jaula-start-ticket 1 4242 18446744073709551615\n");
        Directory.GetFiles(_dir).Should().ContainSingle("the temporary file was renamed into place");
    }

    [Fact]
    public void A_container_with_poststart_hooks_or_no_process_gets_no_ticket()
    {
        var poststart = new HooksSpec { Poststart = [new HookSpec { Path = "/bin/true" }] };
        StartTicket.Applies(Record(poststart)).Should().BeFalse("poststart hooks run in the managed start");
        StartTicket.Applies(Record(noProcess: true)).Should().BeFalse("the managed start words the missing process");
        StartTicket.Applies(Record(new HooksSpec { Poststart = [], Poststop = [new HookSpec { Path = "/bin/true" }] })).Should().BeTrue();
        StartTicket.Applies(Record()).Should().BeTrue();

        StartTicket.WriteIfApplies(_dir, Record(poststart));
        Directory.GetFiles(_dir).Should().BeEmpty();
    }

    [Fact]
    public void A_refusal_is_taken_once()
    {
        StartTicket.TakeRefusal(_dir).Should().BeNull();
        File.WriteAllText(Path.Combine(_dir, StartTicket.RefusalFileName), "hooks.startContainer[0]: exited with status 4");
        StartTicket.TakeRefusal(_dir).Should().Be("hooks.startContainer[0]: exited with status 4");
        StartTicket.TakeRefusal(_dir).Should().BeNull();
    }
}
