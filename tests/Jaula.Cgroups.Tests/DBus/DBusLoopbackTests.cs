using Jaula.Cgroups.DBus;
using Jaula.Cgroups.Systemd;

namespace Jaula.Cgroups.Tests.DBus;

/// <summary>The client against a fake peer over a socketpair: authentication, Hello, calls, replies, errors, signals.</summary>
public sealed class DBusLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Authenticates_with_external_and_says_hello_to_a_bus()
    {
        using var peer = new FakeBusPeer((p, call) => call.Member == "Hello" ? p.Return(call, "s", w => w.WriteString(":1.42")) : null);
        using var connection = DBusConnection.Open(peer.ClientEnd, 1000, hello: true, Timeout);
        connection.UniqueName.Should().Be(":1.42");
        peer.AuthLine.Should().Be("AUTH EXTERNAL 31303030");
        peer.Calls.Single().Destination.Should().Be("org.freedesktop.DBus");
        peer.Failure.Should().BeNull();
    }

    [Fact]
    public void StartTransientUnit_sends_its_properties_and_returns_the_job()
    {
        using var peer = new FakeBusPeer((p, call) =>
        {
            p.SendBeforeNextReply.Add(p.Signal("UnitNew")); // a signal in between is skipped
            return p.Return(call, "o", w => w.WriteObjectPath("/org/freedesktop/systemd1/job/7"));
        });
        using var bus = new SystemdBus(DBusConnection.Open(peer.ClientEnd, 0, hello: false, Timeout));
        string job = bus.StartTransientUnit("jaula-c1.scope", "replace",
            [new("Delegate", DBusVariant.Bool(true)), new("PIDs", DBusVariant.UInt32Array([4242])), new("MemoryMax", DBusVariant.UInt64(1 << 24))]);

        job.Should().Be("/org/freedesktop/systemd1/job/7");
        var call = peer.Calls.Single();
        call.Member.Should().Be("StartTransientUnit");
        call.Interface.Should().Be("org.freedesktop.systemd1.Manager");
        call.Path.Should().Be("/org/freedesktop/systemd1");
        call.Signature.Should().Be("ssa(sv)a(sa(sv))");
        var body = call.ReadBody();
        body[0].Should().Be("jaula-c1.scope");
        body[1].Should().Be("replace");
        var properties = ((List<object>)body[2]).Cast<object[]>().ToDictionary(p => (string)p[0], p => (DBusVariantValue)p[1]);
        properties["Delegate"].Should().Be(new DBusVariantValue("b", true));
        properties["MemoryMax"].Should().Be(new DBusVariantValue("t", 16777216ul));
        properties["PIDs"].Signature.Should().Be("au");
        ((List<object>)properties["PIDs"].Value).Should().Equal(4242u);
        ((List<object>)body[3]).Should().BeEmpty();
    }

    [Fact]
    public void An_error_reply_names_the_method_the_error_and_its_message()
    {
        using var peer = new FakeBusPeer((p, call) => p.Error(call, "org.freedesktop.systemd1.UnitExists", "Unit jaula-c1.scope already exists."));
        using var bus = new SystemdBus(DBusConnection.Open(peer.ClientEnd, 0, hello: false, Timeout));
        bus.Invoking(b => b.StopUnit("jaula-c1.scope", "replace")).Should().Throw<DBusErrorException>()
            .WithMessage("org.freedesktop.systemd1.Manager.StopUnit: org.freedesktop.systemd1.UnitExists: Unit jaula-c1.scope already exists.");
    }

    [Fact]
    public void ActiveState_reads_the_unit_property_and_is_null_for_no_such_unit()
    {
        using var peer = new FakeBusPeer((p, call) => call.Member switch
        {
            "GetUnit" when (string)call.ReadBody()[0] == "gone.scope" => p.Error(call, SystemdBus.NoSuchUnit, "Unit gone.scope not loaded."),
            "GetUnit" => p.Return(call, "o", w => w.WriteObjectPath("/org/freedesktop/systemd1/unit/jaula_2dc1_2escope")),
            "Get" => p.Return(call, "v", w => w.WriteVariant(DBusVariant.String("active"))),
            _ => p.Error(call, "org.freedesktop.DBus.Error.UnknownMethod", call.Member ?? ""),
        });
        using var bus = new SystemdBus(DBusConnection.Open(peer.ClientEnd, 0, hello: false, Timeout));
        bus.ActiveState("jaula-c1.scope").Should().Be("active");
        bus.ActiveState("gone.scope").Should().BeNull();
        var get = peer.Calls[1];
        get.Path.Should().Be("/org/freedesktop/systemd1/unit/jaula_2dc1_2escope");
        get.Interface.Should().Be("org.freedesktop.DBus.Properties");
        get.ReadBody().Should().Equal("org.freedesktop.systemd1.Unit", "ActiveState");
    }

    [Fact]
    public void A_refused_authentication_is_an_error_naming_the_uid()
    {
        var (a, b) = Jaula.Linux.Sys.SocketPair();
        using var server = new System.Net.Sockets.Socket(new System.Net.Sockets.SafeSocketHandle(b.Release(), true));
        var client = new System.Net.Sockets.Socket(new System.Net.Sockets.SafeSocketHandle(a.Release(), true));
        server.Send("REJECTED EXTERNAL\r\n"u8.ToArray());
        FluentActions.Invoking(() => DBusConnection.Open(client, 1000, hello: false, Timeout))
            .Should().Throw<DBusProtocolException>().WithMessage("*uid 1000 refused*REJECTED*");
    }
}
