using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>create → start → kill → delete, and the verbs' refusals in the wrong state (runtime.md).</summary>
public sealed class LifecycleTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Container_walks_through_created_running_stopped_and_is_gone_after_delete()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "60");
        string pidFile = Path.Combine(bundle.Dir, "init.pid");

        Jaula.Create(id, bundle, "--pid-file", pidFile).ShouldSucceed();
        ContainerState created = Jaula.State(id);
        created.Status.Should().Be("created");
        created.Pid.Should().BePositive();
        ProcessInfo.Read(created.Pid).Should().NotBeNull("the init waits, alive, for start");
        File.ReadAllText(pidFile).Should().Be(created.Pid.ToString(), "the pid file holds the host pid, no newline");

        Jaula.Start(id).ShouldSucceed();
        Jaula.State(id).Should().Match<ContainerState>(s => s.Status == "running" && s.Pid == created.Pid);

        Jaula.Kill(id, "KILL").ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");

        Jaula.Delete(id).ShouldSucceed();
        Jaula.StateRaw(id).ShouldFailWith("container does not exist", id);
    }

    [Fact]
    public void State_reports_the_oci_fields()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Config["annotations"] = new JsonObject { ["org.jaula.test"] = "yes" }, "sleep", "60");

        Jaula.Create(id, bundle).ShouldSucceed();
        ContainerState state = Jaula.State(id);

        ((string)state.Json["ociVersion"]!).Should().Be("1.3.0");
        state.Id.Should().Be(id);
        state.Bundle.Should().Be(bundle.Dir);
        ((string)state.Json["annotations"]!["org.jaula.test"]!).Should().Be("yes");
        state.Json.Should().ContainKeys("rootfs", "created", "owner");
    }

    [Fact]
    public void Start_fails_unless_the_container_is_created()
    {
        string id = NewId();
        Jaula.Create(id, NewBundle("sleep", "60")).ShouldSucceed();
        Jaula.Start(id).ShouldSucceed();

        Jaula.Start(id).ExitCode.Should().Be(1, "a running container cannot be started again");

        Jaula.Kill(id, "KILL").ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");
        Jaula.Start(id).ExitCode.Should().Be(1, "a stopped container cannot be started");
    }

    [Fact]
    public void Kill_of_a_stopped_container_says_container_not_running()
    {
        string id = NewId();
        Jaula.Create(id, NewBundle("true")).ShouldSucceed();
        Jaula.Start(id).ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");

        Jaula.Kill(id, "KILL").ShouldFailWith("container not running");
    }

    [Fact]
    public void Delete_without_force_refuses_a_running_container_and_leaves_it_running()
    {
        string id = NewId();
        Jaula.RunDetached(id, NewBundle("sleep", "60")).ShouldSucceed();

        Jaula.Delete(id).ShouldFailWith(id);

        Jaula.State(id).Status.Should().Be("running");
    }

    [Fact]
    public void Delete_force_kills_and_removes_a_running_container()
    {
        string id = NewId();
        Jaula.RunDetached(id, NewBundle("sleep", "60")).ShouldSucceed();
        int pid = Jaula.State(id).Pid;

        Jaula.Delete(id, force: true).ShouldSucceed();

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        Reaper.WaitUntilGone(pid, TimeSpan.FromSeconds(10)).Should().BeTrue("delete --force kills the init");
    }

    [Fact]
    public void A_created_container_can_be_deleted_without_force()
    {
        string id = NewId();
        Jaula.Create(id, NewBundle("sleep", "60")).ShouldSucceed();
        int pid = Jaula.State(id).Pid;

        Jaula.Delete(id).ShouldSucceed();

        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        Reaper.WaitUntilGone(pid, TimeSpan.FromSeconds(10)).Should().BeTrue("deleting a created container kills its init");
    }
}
