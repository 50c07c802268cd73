using Jaula.Cgroups.Systemd;
using Jaula.Linux;
using Tmds.DBus.Protocol;

namespace Jaula.Cgroups.Tests.Systemd;

/// <summary>
/// SystemdBus (Tmds.DBus.Protocol) against a fake systemd on a private dbus-daemon: EXTERNAL authentication and Hello
/// on a real bus, the calls' wire form, replies, error replies, signals in between, refusal and silence.
/// </summary>
public sealed class SystemdBusTests : IDisposable
{
    private readonly PrivateBus _bus = new();
    private readonly List<IDisposable> _owned = [];

    private FakeSystemd Systemd(Func<BusCall, BusReply> answer)
    {
        var systemd = new FakeSystemd(_bus, answer);
        _owned.Add(systemd);
        return systemd;
    }

    private SystemdBus Connect(TimeSpan? timeout = null)
    {
        var bus = SystemdBus.Connect(_bus.SocketPath, Sys.GetUid(), timeout);
        _owned.Add(bus);
        return bus;
    }

    [Fact]
    public void StartTransientUnit_sends_its_properties_and_returns_the_job()
    {
        var systemd = Systemd(_ => BusReply.ObjectPath("/org/freedesktop/systemd1/job/7"));
        systemd.SignalBeforeReply = true; // a signal in between is skipped
        string job = Connect().StartTransientUnit("jaula-c1.scope", "replace",
            [new("Delegate", VariantValue.Bool(true)), new("PIDs", VariantValue.Array(new[] { 4242u })), new("MemoryMax", VariantValue.UInt64(1 << 24))]);

        job.Should().Be("/org/freedesktop/systemd1/job/7");
        var call = systemd.Calls.Single();
        call.Member.Should().Be("StartTransientUnit");
        call.Interface.Should().Be("org.freedesktop.systemd1.Manager");
        call.Path.Should().Be("/org/freedesktop/systemd1");
        call.Signature.Should().Be("ssa(sv)a(sa(sv))");
        call.Args[0].Should().Be("jaula-c1.scope");
        call.Args[1].Should().Be("replace");
        var properties = call.Properties(2);
        properties["Delegate"].Should().Be(true);
        properties["MemoryMax"].Should().Be(16777216ul);
        ((List<object>)properties["PIDs"]).Should().Equal(4242u);
        call.Args[3].Should().Be(0, "no auxiliary units");
        systemd.Failure.Should().BeNull();
    }

    [Fact]
    public void SetUnitProperties_and_StopUnit_send_their_arguments()
    {
        var systemd = Systemd(c => c.Member == "StopUnit" ? BusReply.ObjectPath("/org/freedesktop/systemd1/job/8") : BusReply.Empty);
        var bus = Connect();
        bus.SetUnitProperties("jaula-c1.scope", runtime: true, [new("TasksMax", VariantValue.UInt64(10))]);
        bus.StopUnit("jaula-c1.scope", "replace");

        var set = systemd.Calls[0];
        set.Signature.Should().Be("sba(sv)");
        set.Args[0].Should().Be("jaula-c1.scope");
        set.Args[1].Should().Be(true);
        set.Properties(2)["TasksMax"].Should().Be(10ul);
        systemd.Calls[1].Args.Should().Equal("jaula-c1.scope", "replace");
    }

    [Fact]
    public void An_error_reply_names_the_method_the_error_and_its_message()
    {
        Systemd(_ => BusReply.Error("org.freedesktop.systemd1.UnitExists", "Unit jaula-c1.scope already exists."));
        Connect().Invoking(b => b.StopUnit("jaula-c1.scope", "replace")).Should().Throw<SystemdErrorReplyException>()
            .WithMessage("org.freedesktop.systemd1.Manager.StopUnit: org.freedesktop.systemd1.UnitExists: Unit jaula-c1.scope already exists.")
            .Which.ErrorName.Should().Be("org.freedesktop.systemd1.UnitExists");
    }

    [Fact]
    public void ActiveState_reads_the_unit_property_and_is_null_for_no_such_unit()
    {
        var systemd = Systemd(c => c.Member switch
        {
            "GetUnit" when (string)c.Args[0] == "gone.scope" => BusReply.Error(SystemdBus.NoSuchUnit, "Unit gone.scope not loaded."),
            "GetUnit" => BusReply.ObjectPath("/org/freedesktop/systemd1/unit/jaula_2dc1_2escope"),
            "Get" => BusReply.StringVariant("active"),
            _ => BusReply.Error("org.freedesktop.DBus.Error.UnknownMethod", c.Member),
        });
        var bus = Connect();
        bus.ActiveState("jaula-c1.scope").Should().Be("active");
        bus.ActiveState("gone.scope").Should().BeNull();
        var get = systemd.Calls[1];
        get.Path.Should().Be("/org/freedesktop/systemd1/unit/jaula_2dc1_2escope");
        get.Interface.Should().Be("org.freedesktop.DBus.Properties");
        get.Args.Should().Equal("org.freedesktop.systemd1.Unit", "ActiveState");
    }

    [Fact]
    public void A_job_is_pending_until_its_object_is_gone()
    {
        bool done = false;
        Systemd(_ => done ? BusReply.Error("org.freedesktop.DBus.Error.UnknownObject", "Unknown object.") : BusReply.StringVariant("running"));
        var bus = Connect();
        bus.JobPending("/org/freedesktop/systemd1/job/7").Should().BeTrue();
        done = true;
        bus.JobPending("/org/freedesktop/systemd1/job/7").Should().BeFalse();
    }

    [Fact]
    public void A_refused_authentication_is_an_error_naming_the_socket_and_uid()
    {
        uint notUs = Sys.GetUid() + 4242;
        FluentActions.Invoking(() => SystemdBus.Connect(_bus.SocketPath, notUs)).Should().Throw<SystemdBusException>()
            .WithMessage($"connect to {_bus.SocketPath} as uid {notUs}: *");
    }

    [Fact]
    public void A_missing_socket_is_an_error_naming_it()
    {
        string missing = Path.Combine(Path.GetDirectoryName(_bus.SocketPath)!, "no-such-socket");
        FluentActions.Invoking(() => SystemdBus.Connect(missing, Sys.GetUid())).Should().Throw<SystemdBusException>()
            .WithMessage($"connect to {missing} as uid *: *");
    }

    [Fact]
    public void A_silent_systemd_is_a_timeout_not_a_hang()
    {
        Systemd(_ => BusReply.None);
        Connect(TimeSpan.FromMilliseconds(300)).Invoking(b => b.ResetFailedUnit("jaula-c1.scope")).Should().Throw<SystemdBusException>()
            .WithMessage("org.freedesktop.systemd1.Manager.ResetFailedUnit: no answer within 0.3 s");
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
            owned.Dispose();
        _bus.Dispose();
    }
}
