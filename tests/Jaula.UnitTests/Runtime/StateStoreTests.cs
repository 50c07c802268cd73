using FluentAssertions;
using Jaula.Runtime;
using Jaula.Runtime.Lifecycle;
using Xunit;

namespace Jaula.UnitTests.Runtime;

/// <summary>The state store against a temp root: reservation, the "creating" record, debris, listing.</summary>
public sealed class StateStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("jaula-unit-store-").FullName;

    private static ContainerRecord Creating(string id) => new()
    {
        Id = id, Bundle = "/b", Rootfs = "/b/rootfs", Pid = 0, PidStartTime = 0, Created = Timestamps.Rfc3339Now(),
    };

    [Fact]
    public void A_reserved_id_carries_its_creating_record_and_leaves_no_staging_directory()
    {
        var store = new StateStore(_root);
        using (store.Reserve(Creating("c1")))
        {
            store.TryLoad("c1")!.Pid.Should().Be(0);
            Container.Load(store, "c1").Status.Should().Be(ContainerStatus.Creating);
        }
        Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName).Should().Equal("c1");
        store.ListIds().Should().Equal("c1");
    }

    [Fact]
    public void The_second_reservation_of_an_id_fails_with_runc_s_text_and_the_first_survives()
    {
        var store = new StateStore(_root);
        using var first = store.Reserve(Creating("c1"));

        var second = () => store.Reserve(Creating("c1"));

        second.Should().Throw<JaulaException>().WithMessage("container with id exists: c1");
        Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName).Should().Equal("c1");
        store.TryLoad("c1").Should().NotBeNull();
    }

    [Fact]
    public void Delete_removes_a_creating_container_whose_create_is_gone()
    {
        var store = new StateStore(_root);
        store.Reserve(Creating("c1")).Dispose(); // the lock is free: its create died

        new ContainerLifecycle(store, NullRuntimeLog.Instance).Delete("c1", force: false);

        store.Exists("c1").Should().BeFalse();
    }

    [Fact]
    public void Operations_on_an_unknown_id_say_container_does_not_exist()
    {
        var lifecycle = new ContainerLifecycle(new StateStore(_root), NullRuntimeLog.Instance);

        lifecycle.Invoking(l => l.State("nope")).Should().Throw<ContainerNotFoundException>().WithMessage("container does not exist");
        lifecycle.Invoking(l => l.Delete("nope", force: false)).Should().Throw<ContainerNotFoundException>();
        lifecycle.Invoking(l => l.Delete("nope", force: true)).Should().NotThrow("as runc, delete --force of nothing is done");
        lifecycle.Invoking(l => l.Start("nope")).Should().Throw<ContainerNotFoundException>();
    }

    [Fact]
    public void A_staging_directory_whose_creator_is_gone_is_swept_and_a_live_one_is_kept()
    {
        var store = new StateStore(_root);
        string dead = Path.Combine(_root, $"~c1~{DeadPid()}");
        string live = Path.Combine(_root, $"~c2~{Environment.ProcessId}");
        Directory.CreateDirectory(dead);
        Directory.CreateDirectory(live);

        store.ListIds().Should().BeEmpty();

        Directory.Exists(dead).Should().BeFalse();
        Directory.Exists(live).Should().BeTrue();
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"id\":")]
    [InlineData("")]
    public void A_damaged_state_json_is_corrupt_and_names_delete_force(string content)
    {
        var store = new StateStore(_root);
        store.Reserve(Creating("c1")).Dispose();
        File.WriteAllText(Path.Combine(_root, "c1", "state.json"), content);

        store.Invoking(s => s.TryLoad("c1")).Should().Throw<JaulaException>().WithMessage("*corrupt*`delete --force c1` removes it*");
    }

    [Fact]
    public void A_directory_in_place_of_state_json_is_corrupt_and_list_skips_only_it()
    {
        var store = new StateStore(_root);
        store.Reserve(Creating("c1")).Dispose();
        store.Reserve(Creating("c2")).Dispose();
        string state = Path.Combine(_root, "c1", "state.json");
        File.Delete(state);
        Directory.CreateDirectory(state);

        store.Invoking(s => s.TryLoad("c1")).Should().Throw<JaulaException>().WithMessage("*corrupt*");
        new ContainerLifecycle(store, NullRuntimeLog.Instance).List().Select(c => c.Id).Should().Equal("c2");
    }

    [Fact]
    public void Delete_force_removes_a_container_with_damaged_state_whose_recorded_init_is_gone()
    {
        var store = new StateStore(_root);
        store.Reserve(Creating("c1")).Dispose();
        store.SaveMade("c1", new MadeRecord { Pid = DeadPid(), PidStartTime = 1 });
        File.WriteAllText(Path.Combine(_root, "c1", "state.json"), "garbage");
        var lifecycle = new ContainerLifecycle(store, NullRuntimeLog.Instance);

        lifecycle.Invoking(l => l.Delete("c1", force: false)).Should().Throw<JaulaException>().WithMessage("*corrupt*");
        lifecycle.Delete("c1", force: true);

        store.Exists("c1").Should().BeFalse();
    }

    [Fact]
    public void An_unreadable_made_record_is_no_record()
    {
        var store = new StateStore(_root);
        store.Reserve(Creating("c1")).Dispose();
        File.WriteAllText(Path.Combine(_root, "c1", "made.json"), "{\"pid\":");

        store.TryLoadMade("c1").Should().BeNull();
    }

    private static int DeadPid()
    {
        using var p = System.Diagnostics.Process.Start("/bin/true")!;
        p.WaitForExit();
        return p.Id;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
