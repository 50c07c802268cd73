using Jaula.Cgroups.Systemd;
using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Cgroups.Tests.Systemd;

/// <summary>
/// The driver against a fake systemd (on a private dbus-daemon) that makes and removes the scope's directory in a fake cgroup2
/// tree as the real one would: the unit's lifecycle, properties, and the cgroupfs manager working on the scope.
/// </summary>
public sealed class SystemdCgroupManagerTests : IDisposable
{
    private readonly FakeCgroupTree _tree = new();
    private readonly PrivateBus _bus = new();
    private readonly FakeSystemd _systemd;
    private readonly CgroupLayout _layout;
    private string? _startError;
    private string? _state;

    /// <summary>How many job polls still find the start job queued; the unit is "inactive" until then.</summary>
    private int _jobPolls;

    /// <summary>The unit's state once its start job has run.</summary>
    private string _stateAfterJob = "active";

    public SystemdCgroupManagerTests()
    {
        _layout = _tree.Layout([], unified: true);
        File.WriteAllText(Path.Combine(_tree["v2"], "cgroup.controllers"), "cpu memory pids\n");
        File.WriteAllText(Path.Combine(_tree["v2"], "cgroup.subtree_control"), "");
        Directory.CreateDirectory(Path.Combine(_tree["v2"], "system.slice"));
        File.WriteAllText(Path.Combine(_tree["v2"], "system.slice", "cgroup.subtree_control"), "");
        _systemd = new FakeSystemd(_bus, Systemd);
    }

    private string ScopeDir => Path.Combine(_tree["v2"], "system.slice", "jaula-c1.scope");

    /// <summary>One connection per operation, as the driver makes them: each one authenticates and says Hello.</summary>
    private SystemdBus Connect() => SystemdBus.Connect(_bus.SocketPath, Sys.GetUid());

    private IReadOnlyList<BusCall> Calls => _systemd.Calls;

    private BusReply Systemd(BusCall call)
    {
        switch (call.Member)
        {
            case "StartTransientUnit" when _startError is not null:
                return BusReply.Error("org.freedesktop.DBus.Error.InvalidArgs", _startError);
            case "StartTransientUnit":
                Directory.CreateDirectory(ScopeDir);
                foreach (string f in FakeCgroupTree.V2Files)
                    File.WriteAllText(Path.Combine(ScopeDir, f), "");
                _state = _jobPolls > 0 ? "inactive" : _stateAfterJob;
                return BusReply.ObjectPath("/org/freedesktop/systemd1/job/1");
            case "StopUnit" when _state is null:
                return BusReply.Error(SystemdBus.NoSuchUnit, "Unit jaula-c1.scope not loaded.");
            case "StopUnit":
                Directory.Delete(ScopeDir, recursive: true);
                _state = null;
                return BusReply.ObjectPath("/org/freedesktop/systemd1/job/2");
            case "GetUnit" when _state is null:
                return BusReply.Error(SystemdBus.NoSuchUnit, "Unit jaula-c1.scope not loaded.");
            case "GetUnit":
                return BusReply.ObjectPath("/org/freedesktop/systemd1/unit/jaula_2dc1_2escope");
            case "Get" when call.Path.StartsWith("/org/freedesktop/systemd1/job/", StringComparison.Ordinal):
                if (_jobPolls-- > 0)
                    return BusReply.StringVariant("waiting");
                _state = _stateAfterJob;
                return BusReply.Error("org.freedesktop.DBus.Error.UnknownObject", "Unknown object.");
            case "Get":
                return BusReply.StringVariant(_state ?? "inactive");
            case "SetUnitProperties":
                return BusReply.Empty;
            default:
                return BusReply.Error("org.freedesktop.DBus.Error.UnknownMethod", call.Member);
        }
    }

    private SystemdCgroupManager Manager() => CgroupManagers.ForSystemd(_layout, "system.slice:jaula:c1", "c1", _ => { }, Connect);

    private BusCall Call(string member) => Calls.Single(c => c.Member == member);

    private static IReadOnlyDictionary<string, object> Properties(BusCall call, int index) => call.Properties(index);

    [Fact]
    public void The_init_goes_into_a_delegated_scope_with_its_resources_and_delete_stops_it()
    {
        var m = Manager();
        m.Create();
        Directory.Exists(ScopeDir).Should().BeFalse("systemd makes the cgroup when the unit starts");
        m.Apply(new LinuxResources { Memory = new MemoryResources { Limit = 16777216 }, Pids = new PidsResources { Limit = 10 } });
        m.AddProcess(4242);

        var start = Call("StartTransientUnit").Args;
        start[0].Should().Be("jaula-c1.scope");
        start[1].Should().Be("replace");
        var properties = Properties(Call("StartTransientUnit"), 2);
        ((List<object>)properties["PIDs"]).Should().Equal(4242u);
        properties["Delegate"].Should().Be(true);
        properties["MemoryMax"].Should().Be(16777216ul);
        properties["TasksMax"].Should().Be(10ul);
        File.ReadAllText(Path.Combine(ScopeDir, "memory.max")).Should().Contain("16777216");
        File.ReadAllText(Path.Combine(ScopeDir, "pids.max")).Should().Contain("10");
        File.ReadAllText(Path.Combine(ScopeDir, "cgroup.procs")).Should().BeEmpty("systemd moved the init (PIDs)");

        var record = m.ToRecord();
        record.SystemdUnit.Should().Be("jaula-c1.scope");
        record.Paths[""].Should().Be(ScopeDir);

        var again = CgroupManagers.FromRecord(record, _ => { }, "c1", Connect);
        again.Apply(new LinuxResources { Memory = new MemoryResources { Limit = 33554432 } }, update: true);
        var set = Call("SetUnitProperties");
        set.Args[1].Should().Be(true);
        Properties(set, 2)["MemoryMax"].Should().Be(33554432ul);
        File.ReadAllText(Path.Combine(ScopeDir, "memory.max")).Should().Contain("33554432");

        again.Destroy();
        Call("StopUnit").Args.Should().Equal("jaula-c1.scope", "replace");
        Directory.Exists(ScopeDir).Should().BeFalse();
        _systemd.Failure.Should().BeNull();
    }

    [Fact]
    public void Start_waits_while_the_job_is_queued_and_the_unit_still_inactive()
    {
        _jobPolls = 3;
        var m = Manager();
        m.Create();
        m.AddProcess(4242);
        Calls.Count(c => c.Path == "/org/freedesktop/systemd1/job/1").Should().Be(4);
        m.ToRecord().SystemdUnit.Should().Be("jaula-c1.scope");
    }

    [Fact]
    public void A_start_job_that_ends_without_an_active_unit_is_an_error()
    {
        _jobPolls = 1;
        _stateAfterJob = "inactive";
        var m = Manager();
        m.Create();
        m.Invoking(x => x.AddProcess(4242)).Should().Throw<CgroupException>()
            .WithMessage("container c1: linux.cgroupsPath: systemd unit jaula-c1.scope in system.slice: systemd could not start the unit: its state is inactive*");
    }

    [Fact]
    public void A_scope_systemd_already_removed_has_no_processes_and_deletes_cleanly()
    {
        var m = Manager();
        m.Create();
        m.AddProcess(4242);
        // The last process exited: systemd unloads the scope and removes its cgroup by itself.
        Directory.Delete(ScopeDir, recursive: true);
        _state = null;
        m.Pids().Should().BeEmpty();
        m.Invoking(x => x.KillAll(9)).Should().NotThrow();
        m.FreezerState().Should().Be(FreezerState.Undefined);
        m.Invoking(x => x.Thaw()).Should().NotThrow();
        m.Invoking(x => x.Destroy()).Should().NotThrow();
        Calls.Should().NotContain(c => c.Member == "StopUnit", "systemd stopped and removed the empty scope itself");
    }

    [Fact]
    public void A_refused_unit_is_an_error_naming_container_field_unit_and_the_dbus_error()
    {
        _startError = "Slice bogus is not valid.";
        var m = Manager();
        m.Create();
        m.Invoking(x => x.AddProcess(4242)).Should().Throw<CgroupException>().WithMessage(
            "container c1: linux.cgroupsPath: systemd unit jaula-c1.scope in system.slice: org.freedesktop.systemd1.Manager.StartTransientUnit failed: org.freedesktop.DBus.Error.InvalidArgs: Slice bogus is not valid.");
        m.Destroy();
        Directory.Exists(ScopeDir).Should().BeFalse();
    }

    [Fact]
    public void A_host_without_unified_cgroups_is_refused_with_why()
    {
        using var tree = new FakeCgroupTree();
        var hybrid = tree.Layout(["memory", "cpu"], unified: true);
        FluentActions.Invoking(() => CgroupManagers.ForSystemd(hybrid, "system.slice:jaula:c1", "c1", _ => { }))
            .Should().Throw<CgroupException>().WithMessage("--systemd-cgroup: this host's cgroups are hybrid*works only on a unified cgroup v2 host*");
    }

    public void Dispose()
    {
        _systemd.Dispose();
        _bus.Dispose();
        _tree.Dispose();
    }
}
