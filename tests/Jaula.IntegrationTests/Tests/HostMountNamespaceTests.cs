using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// linux.namespaces without "mount": the container shares the host's mount namespace (config-linux.md), chrooted
/// into its rootfs. Its mounts show in the host's table while it lives and are all gone after delete, after a failed
/// create and after `delete --force` of a killed create; the host's own mounts keep their propagation.
/// </summary>
public sealed class HostMountNamespaceTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void The_rootfs_is_root_the_mounts_show_on_the_host_and_delete_removes_them_all()
    {
        string hostRootBefore = RootLineOptionalFields();
        var bundle = NewBundle(WithoutMountNamespace, "sleep", "1000");
        File.WriteAllText(bundle.HostPath("/only-in-this-rootfs"), "x");
        string id = NewId();
        MountTable.LinesMentioning(bundle.RootfsDir).Should().BeEmpty();

        var create = Jaula.Create(id, bundle).ShouldSucceed();
        Jaula.Start(id).ShouldSucceed();

        create.Stderr.Should().Contain("warning").And.Contain("shares the host's mount table");
        Jaula.Invoke("exec", id, "ls", "/").ShouldSucceed().Stdout.Should().Contain("only-in-this-rootfs");
        Jaula.Invoke("exec", id, "readlink", "/proc/self/ns/mnt").ShouldSucceed().Stdout.Trim()
            .Should().Be(Shell.Run("readlink", "/proc/self/ns/mnt").Stdout.Trim(), "the container is in the host's mount namespace");
        Jaula.Invoke("exec", id, "cat", "/only-in-this-rootfs").ShouldSucceed().Stdout.Should().Be("x");
        var mounts = MountTable.LinesMentioning(bundle.RootfsDir);
        mounts.Should().Contain(l => l.Contains($" {bundle.RootfsDir}/proc ")).And.Contain(l => l.Contains($" {bundle.RootfsDir}/dev/pts "));
        RootLineOptionalFields().Should().Be(hostRootBefore, "the host's \"/\" keeps its propagation");

        Jaula.Kill(id, "KILL").ShouldSucceed();
        Jaula.WaitForStatus(id, "stopped");
        Jaula.Delete(id).ShouldSucceed();

        MountTable.LinesMentioning(bundle.Dir).Should().BeEmpty("delete unmounts everything the container made");
    }

    [Fact]
    public void Exec_with_a_terminal_gets_a_pty_of_the_containers_devpts()
    {
        var bundle = NewBundle(WithoutMountNamespace, "sleep", "1000");
        File.WriteAllText(bundle.HostPath("/only-in-this-rootfs"), "x");
        string id = NewId();
        Jaula.RunDetached(id, bundle).ShouldSucceed();
        using var receiver = new ConsoleSocketReceiver();
        using RunningCommand exec = Jaula.Launch("exec", "-t", "--console-socket", receiver.Path, id, "sh");

        var (master, _) = receiver.Receive(TimeSpan.FromSeconds(20));
        using (master)
        {
            master.Write("tty; ls /; exit 4\n"u8);
            master.Flush();
            string seen = ExecTests.ReadUntilClosed(master);
            // pts 0 of the devpts instance mounted in the rootfs (newinstance), not one of the host's.
            seen.Should().Contain("/dev/pts/0").And.Contain("only-in-this-rootfs");
        }
        exec.Wait(TimeSpan.FromSeconds(20)).ExitCode.Should().Be(4);
    }

    [Fact]
    public async Task A_container_terminal_is_a_pty_of_its_devpts_bound_on_its_console_and_delete_unmounts_it()
    {
        var bundle = NewBundle(b =>
        {
            WithoutMountNamespace(b);
            b.Process["terminal"] = true;
        }, "sh", "-c", "tty; ls -l /dev/console");
        string id = NewId();
        using var receiver = new ConsoleSocketReceiver();
        Task<(FileStream, string)> receiving = Task.Run(() => receiver.Receive(TimeSpan.FromSeconds(20)));

        Jaula.Create(id, bundle, "--console-socket", receiver.Path).ShouldSucceed();
        var (master, _) = await receiving;
        using (master)
        {
            MountTable.LinesMentioning(bundle.RootfsDir).Should().Contain(l => l.Contains($" {bundle.RootfsDir}/dev/console "));
            Jaula.Start(id).ShouldSucceed();
            ExecTests.ReadUntilClosed(master).Should().Contain("/dev/pts/0").And.MatchRegex(@"c[-rwx]+ .* 136, +0 .*/dev/console");
        }
        Jaula.WaitForStatus(id, "stopped");
        Jaula.Delete(id).ShouldSucceed();

        MountTable.LinesMentioning(bundle.Dir).Should().BeEmpty("delete unmounts the console bind with the rest");
    }

    [Fact]
    public void A_foreground_run_sees_its_rootfs_and_the_host_table_is_clean_after_it()
    {
        var bundle = NewBundle(WithoutMountNamespace, "sh", "-c", "test -e /only-here && grep -c ' /proc ' /proc/self/mountinfo");
        File.WriteAllText(bundle.HostPath("/only-here"), "");

        var result = Jaula.Run(NewId(), bundle); // run deletes the container once its process exits

        result.ShouldSucceed();
        MountTable.LinesMentioning(bundle.Dir).Should().BeEmpty();
    }

    [Fact]
    public void A_read_only_root_is_read_only_inside_and_only_there()
    {
        var bundle = NewBundle(b =>
        {
            WithoutMountNamespace(b);
            b.Config["root"]!["readonly"] = true;
        }, "sh", "-c", "touch /x 2>&1 && echo WROTE; echo done > /dev/shm/ok");
        string id = NewId();

        var result = Jaula.Run(id, bundle);

        result.ShouldSucceed().Stdout.Should().Contain("Read-only file system").And.NotContain("WROTE");
        File.Exists(bundle.HostPath("/x")).Should().BeFalse();
        MountTable.LinesMentioning(bundle.Dir).Should().BeEmpty();
    }

    [Fact]
    public void A_failed_create_leaves_no_mount()
    {
        string missing = Path.Combine(Path.GetTempPath(), "jaula-it-missing-" + Guid.NewGuid().ToString("N"));
        int index = 0;
        var bundle = NewBundle(b =>
        {
            WithoutMountNamespace(b);
            index = b.AddMount("/data", missing, "bind", "rbind");
        }, "true");
        string id = NewId();

        Jaula.Create(id, bundle).ShouldFailWith($"mounts[{index}]", missing);

        MountTable.LinesMentioning(bundle.Dir).Should().BeEmpty("the mounts made before the failing one are undone");
        Directory.Exists(Path.Combine(Jaula.Root, id)).Should().BeFalse();
    }

    [Fact]
    public void Delete_force_after_a_killed_create_unmounts_what_the_init_made()
    {
        var bundle = NewBundle(WithoutMountNamespace, "sleep", "1000");
        string id = NewId();
        using var socket = new CrashConsistencyTests.FullSocket();
        using var create = CrashProbe.Launch(Jaula, bundle, "create", "--pidfd-socket", socket.Path, id);

        CrashProbe.WaitUntil(create, () => CrashProbe.BlockedIn(create.Pid, CrashProbe.ConnectSyscall)).Should().BeTrue("create should reach the pidfd socket");
        MountTable.LinesMentioning(bundle.RootfsDir).Should().NotBeEmpty("the init has made its mounts");
        CrashProbe.SigKill(create);
        Jaula.WaitForStatus(id, "stopped", TimeSpan.FromSeconds(5));

        CrashProbe.DeleteForce(Jaula, id).ShouldSucceed();

        MountTable.LinesMentioning(bundle.Dir).Should().BeEmpty("delete --force unmounts what a killed create made");
        CrashProbe.Leftovers(Jaula, id, bundle).Should().BeEmpty();
    }

    [Fact]
    public void A_shared_parent_keeps_its_propagation_and_gets_nothing_back()
    {
        // The bundle on a shared mount of its own, made here: the init must neither make it private nor leave a mount in it.
        using var host = new HostDirectory();
        Shell.Run("mount", "-t", "tmpfs", "-o", "size=64m", "jaula-it-shared", host.Path).ExitCode.Should().Be(0);
        try
        {
            Shell.Run("mount", "--make-shared", host.Path).ExitCode.Should().Be(0);
            string before = OptionalFieldsOf(host.Path);
            var bundle = NewBundle(WithoutMountNamespace, "sleep", "1000");
            string rootfs = Path.Combine(host.Path, "rootfs");
            Shell.Run("cp", "-a", bundle.RootfsDir, rootfs).ExitCode.Should().Be(0);
            bundle.Config["root"]!["path"] = rootfs;
            bundle.Save();
            string id = NewId();

            Jaula.Create(id, bundle).ShouldSucceed();
            OptionalFieldsOf(host.Path).Should().Be(before, "the rootfs's parent keeps its propagation");
            MountTable.LinesMentioning(rootfs).Should().NotBeEmpty();
            Jaula.Delete(id, force: true).ShouldSucceed();

            MountTable.LinesMentioning(rootfs).Should().BeEmpty();
        }
        finally
        {
            Shell.Run("umount", "-l", host.Path);
        }
    }

    [Theory]
    [InlineData("maskedPaths")]
    [InlineData("readonlyPaths")]
    [InlineData("rootfsPropagation")]
    public void What_would_touch_the_host_is_refused_naming_the_field(string field)
    {
        var bundle = NewBundle(b =>
        {
            WithoutMountNamespace(b);
            b.Linux[field] = field == "rootfsPropagation" ? JsonValue.Create("rslave") : new JsonArray(JsonValue.Create("/proc/kcore"));
        }, "true");
        string id = NewId();

        Jaula.Create(id, bundle).ShouldFailWith($"linux.{field}", "mount namespace");

        MountTable.LinesMentioning(bundle.Dir).Should().BeEmpty();
    }

    /// <summary>The test config without its "mount" namespace, and without what runc refuses then (masked and read-only paths).</summary>
    private static void WithoutMountNamespace(Bundle bundle)
    {
        var namespaces = bundle.Linux["namespaces"]!.AsArray();
        var mount = namespaces.Single(n => (string?)n!["type"] == "mount");
        namespaces.Remove(mount);
        bundle.Linux.Remove("maskedPaths");
        bundle.Linux.Remove("readonlyPaths");
    }

    private static string RootLineOptionalFields() => OptionalFieldsOf("/");

    /// <summary>The propagation fields (shared:N, master:N, ...) of the topmost mount at <paramref name="mountPoint"/>.</summary>
    private static string OptionalFieldsOf(string mountPoint)
    {
        string line = File.ReadAllLines("/proc/self/mountinfo").Last(l => l.Split(' ')[4] == mountPoint);
        var fields = line.Split(' ');
        return string.Join(' ', fields[6..Array.IndexOf(fields, "-")]);
    }
}
