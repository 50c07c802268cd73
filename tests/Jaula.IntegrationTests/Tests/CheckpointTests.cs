using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// checkpoint and restore on this host. Debian's criu 3.17 does not work on its kernel 6.18 (vdso), so what is
/// proven here is the refusal: one line with criu's own reason, its log and `criu check`, and nothing lost or left.
/// The round trips run in the cgroup v2 guest (tests/guest/criu.sh), whose kernel 6.1 criu handles.
/// </summary>
public sealed class CheckpointTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Checkpoint_where_criu_cannot_work_fails_with_its_reason_and_the_container_keeps_running()
    {
        using (var check = Reaper.StartOwn(new System.Diagnostics.ProcessStartInfo("criu", "check") { RedirectStandardError = true }))
        {
            check.StandardError.ReadToEnd();
            check.WaitForExit();
            check.ExitCode.Should().NotBe(0, "this test proves the refusal on a host where `criu check` fails (kernel 6.18: vdso)");
        }
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "100");
        Jaula.Create(id, bundle).ShouldSucceed();
        Jaula.Start(id).ShouldSucceed();
        string images = Path.Combine(bundle.Dir, "images");

        CommandResult result = Jaula.Invoke("checkpoint", "--image-path", images, "--leave-running", id);

        result.ShouldFailWith(id, "criu dump failed", "Error (criu/", $"full log: {images}/dump.log", "criu check");
        result.Stderr.Trim().Split('\n').Should().HaveCount(1);
        File.Exists(Path.Combine(images, "dump.log")).Should().BeTrue();
        Jaula.State(id).Status.Should().Be("running");
        Jaula.Delete(id, force: true).ShouldSucceed();
    }

    [Fact]
    public void Restore_without_images_is_refused_and_leaves_no_container()
    {
        string id = NewId();
        Bundle bundle = NewBundle("sleep", "100");

        CommandResult result = Jaula.Invoke("restore", "--bundle", bundle.Dir, "--image-path", Path.Combine(bundle.Dir, "nosuch"), "-d", id);

        result.ShouldFailWith(id, "--image-path", "no such directory");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void Restore_where_criu_cannot_work_fails_with_its_reason_and_leaves_no_container_or_cgroup()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["cgroupsPath"] = $"/jaula-it-{id}", "sleep", "100");
        string images = Directory.CreateDirectory(Path.Combine(bundle.Dir, "images")).FullName;

        CommandResult result = Jaula.Invoke("restore", "--bundle", bundle.Dir, "--image-path", images, "-d", id);

        result.ShouldFailWith(id, "criu restore failed", $"full log: {images}/restore.log", "criu check");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
        Directory.Exists($"/sys/fs/cgroup/memory/jaula-it-{id}").Should().BeFalse();
        Directory.Exists($"/sys/fs/cgroup/unified/jaula-it-{id}").Should().BeFalse();
    }

    [Fact]
    public void Checkpoint_of_a_stopped_container_is_refused()
    {
        string id = NewId();
        Bundle bundle = NewBundle("true");
        Jaula.Run(id, bundle, "--detach").ShouldSucceed();
        Thread.Sleep(200);

        Jaula.Invoke("checkpoint", "--image-path", Path.Combine(bundle.Dir, "images"), id).ShouldFailWith(id, "container not running");
        Jaula.Delete(id).ShouldSucceed();
    }
}
