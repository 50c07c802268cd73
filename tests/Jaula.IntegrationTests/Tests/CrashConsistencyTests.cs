using System.Net.Sockets;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// A `create` SIGKILLed at a known point (issue 17's reproducers): what it started dies with it, `delete --force`
/// returns at once and leaves nothing; a container whose state.json is lost or damaged is still removable.
/// </summary>
public sealed class CrashConsistencyTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Create_killed_right_after_clone_leaves_nothing_and_delete_does_not_block()
    {
        // A create takes a few milliseconds: the probe may first see it when it is done. Then the container is
        // removed and a new create tried, until one is caught with its child.
        const int Attempts = 20;
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var (id, bundle) = Fresh();
            using var create = CrashProbe.Launch(Jaula, bundle, "create", id);
            if (!CrashProbe.WaitUntil(create, () => CrashProbe.HasChildren(create.Pid)))
            {
                create.Wait();
                Jaula.Delete(id, force: true).ShouldSucceed();
                continue;
            }
            CrashProbe.SigKill(create);

            ExpectCleanDelete(id, bundle);
            return;
        }
        throw new Xunit.Sdk.XunitException($"create was never caught after its clone in {Attempts} attempts");
    }

    [Fact]
    public void Create_killed_once_the_cgroup_exists_leaves_nothing()
    {
        var (id, bundle) = Fresh();
        string cgroupDir = CgroupPlacement.DirectoriesOf(CgroupPlacement.PathOf(bundle)!).First();
        using var create = CrashProbe.Launch(Jaula, bundle, "create", id);

        CrashProbe.WaitUntil(create, () => Directory.Exists(cgroupDir)).Should().BeTrue("create should make {0}", cgroupDir);
        CrashProbe.SigKill(create);

        ExpectCleanDelete(id, bundle);
    }

    /// <summary>After READY, before state.json has the init: create blocks handing the pty to a console socket that never accepts.</summary>
    [Fact]
    public void Create_killed_after_ready_before_recording_the_init_leaves_nothing()
    {
        var (id, bundle) = Fresh(b => b.Process["terminal"] = true);
        using var socket = new FullSocket();
        using var create = CrashProbe.Launch(Jaula, bundle, "create", "--console-socket", socket.Path, id);

        CrashProbe.WaitUntil(create, () => CrashProbe.BlockedIn(create.Pid, CrashProbe.ConnectSyscall)).Should().BeTrue("create should reach the console socket");
        Jaula.State(id).Status.Should().Be("creating");
        CrashProbe.SigKill(create);

        ExpectCleanDelete(id, bundle);
    }

    /// <summary>state.json has the init, the hand-over has not happened: create blocks on a --pidfd-socket that never accepts.</summary>
    [Fact]
    public void Create_killed_after_recording_before_the_hand_over_leaves_nothing()
    {
        var (id, bundle) = Fresh();
        using var socket = new FullSocket();
        using var create = CrashProbe.Launch(Jaula, bundle, "create", "--pidfd-socket", socket.Path, id);

        CrashProbe.WaitUntil(create, () => CrashProbe.BlockedIn(create.Pid, CrashProbe.ConnectSyscall)).Should().BeTrue("create should reach the pidfd socket");
        CrashProbe.SigKill(create);

        Jaula.WaitForStatus(id, "stopped", TimeSpan.FromSeconds(5)); // the init died with create
        ExpectCleanDelete(id, bundle);
    }

    [Fact]
    public void A_created_container_outlives_its_create()
    {
        var (id, bundle) = Fresh();
        Jaula.Create(id, bundle).ShouldSucceed();

        Thread.Sleep(200); // a parent-death signal would have come by now
        Jaula.State(id).Status.Should().Be("created");
        Jaula.Start(id).ShouldSucceed();
        Jaula.State(id).Status.Should().Be("running");
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("directory")]
    public void Delete_force_removes_a_container_whose_state_is_damaged(string damage)
    {
        var (id, bundle) = Fresh();
        Jaula.RunDetached(id, bundle).ShouldSucceed();
        int init = Jaula.State(id).Pid;
        Damage(Path.Combine(Jaula.Root, id, "state.json"), damage);

        CrashProbe.DeleteForce(Jaula, id).ShouldSucceed();

        Reaper.WaitUntilGone(init, TimeSpan.FromSeconds(5)).Should().BeTrue("the init must be killed");
        CrashProbe.Leftovers(Jaula, id, bundle).Should().BeEmpty("delete --force removes all of it");
    }

    [Fact]
    public void Delete_without_force_refuses_when_state_is_lost_but_the_init_runs()
    {
        var (id, bundle) = Fresh();
        Jaula.RunDetached(id, bundle).ShouldSucceed();
        File.Delete(Path.Combine(Jaula.Root, id, "state.json"));

        Jaula.Delete(id).ShouldFailWith(id, "still runs", "delete --force");
        CrashProbe.ProcessesOf(bundle).Should().NotBeEmpty("a refused delete kills nothing");
        Jaula.Delete(id, force: true).ShouldSucceed();
        CrashProbe.Leftovers(Jaula, id, bundle).Should().BeEmpty();
    }

    [Fact]
    public void Corrupt_state_names_delete_force_and_that_works()
    {
        var (id, bundle) = Fresh();
        Jaula.Create(id, bundle).ShouldSucceed();
        Damage(Path.Combine(Jaula.Root, id, "state.json"), "garbage");

        Jaula.StateRaw(id).ShouldFailWith("corrupt", $"delete --force {id}");
        Jaula.Delete(id, force: true).ShouldSucceed();
        CrashProbe.Leftovers(Jaula, id, bundle).Should().BeEmpty();
    }

    [Fact]
    public void List_shows_the_good_entries_when_one_is_bad()
    {
        var (good, goodBundle) = Fresh();
        var (bad, badBundle) = Fresh();
        Jaula.Create(good, goodBundle).ShouldSucceed();
        Jaula.Create(bad, badBundle).ShouldSucceed();
        Damage(Path.Combine(Jaula.Root, bad, "state.json"), "directory");

        CommandResult list = Jaula.Invoke("list");

        list.ShouldSucceed();
        list.Stdout.Should().Contain(good).And.NotContain(bad);
        list.Stderr.Should().Contain(bad);
    }

    [Fact]
    public void A_staging_dir_whose_creator_died_is_swept_by_list_and_create()
    {
        int dead = DeadPid();
        string staging = Path.Combine(Jaula.Root, $"~{NewId()}~{dead}");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "state.json"), "{}");

        Jaula.Invoke("list").ShouldSucceed();
        Directory.Exists(staging).Should().BeFalse("list removes a dead creator's staging dir");

        Directory.CreateDirectory(staging);
        var (id, bundle) = Fresh();
        Jaula.Create(id, bundle).ShouldSucceed();
        Directory.Exists(staging).Should().BeFalse("create removes it too");
    }

    private (string Id, Bundle Bundle) Fresh(Action<Bundle>? tweak = null) => (NewId(), NewBundle(tweak ?? (_ => { }), "sleep", "1000"));

    private void ExpectCleanDelete(string id, Bundle bundle)
    {
        CommandResult delete = CrashProbe.DeleteForce(Jaula, id);
        if (!delete.Succeeded)
            delete.ShouldFailWith("container does not exist");
        var left = CrashProbe.Leftovers(Jaula, id, bundle);
        CrashProbe.KillLeftovers(bundle);
        left.Should().BeEmpty("delete --force after a killed create leaves nothing");
    }

    private static void Damage(string stateJson, string how)
    {
        switch (how)
        {
            case "missing":
                File.Delete(stateJson);
                break;
            case "truncated":
                File.WriteAllText(stateJson, File.ReadAllText(stateJson)[..20]);
                break;
            case "garbage":
                File.WriteAllText(stateJson, "\u0001garbage{{");
                break;
            default:
                File.Delete(stateJson);
                Directory.CreateDirectory(stateJson);
                break;
        }
    }

    private static int DeadPid()
    {
        using var p = Reaper.StartOwn(new System.Diagnostics.ProcessStartInfo("/bin/true"));
        p.WaitForExit();
        Reaper.ForgetOwnChild(p.Id);
        return p.Id;
    }

    /// <summary>A listening unix socket whose backlog is full: a connect to it blocks until the socket is closed.</summary>
    internal sealed class FullSocket : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("jaula-it-full-").FullName;
        private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        private readonly Socket _filler = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        public FullSocket()
        {
            Path = System.IO.Path.Combine(_dir, "s");
            _listener.Bind(new UnixDomainSocketEndPoint(Path));
            _listener.Listen(0);
            _filler.Connect(new UnixDomainSocketEndPoint(Path)); // the one pending connection a backlog of 0 takes
        }

        public string Path { get; }

        public void Dispose()
        {
            _filler.Dispose();
            _listener.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
