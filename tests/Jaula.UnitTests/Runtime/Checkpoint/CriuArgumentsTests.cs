using FluentAssertions;
using Jaula.Oci;
using Jaula.Runtime;
using Jaula.Runtime.Checkpoint;
using Jaula.Sandbox.Checkpoint;
using Xunit;

namespace Jaula.UnitTests.Runtime.Checkpoint;

/// <summary>runc's checkpoint/restore flags as criu command lines.</summary>
public sealed class CriuArgumentsTests
{
    private static Spec SpecWith(params MountSpec[] mounts) => new()
    {
        OciVersion = "1.3.0",
        Root = new RootSpec { Path = "rootfs" },
        Mounts = [.. mounts],
        Linux = new LinuxSpec { Namespaces = [new NamespaceSpec { Type = "pid" }, new NamespaceSpec { Type = "uts", Path = "/proc/1/ns/uts" }] },
    };

    private static string Pairs(List<string> args) => string.Join(' ', args);

    [Fact]
    public void A_plain_dump_has_runc_defaults()
    {
        var args = CriuArguments.ForDump(new CheckpointOptions { ImagePath = "/img" }, 42, "/b/rootfs", SpecWith());

        args[0].Should().Be("dump");
        Pairs(args).Should().Be("dump --tree 42 --images-dir /img --work-dir /img --log-file dump.log -v4 --root /b/rootfs --manage-cgroups");
    }

    [Fact]
    public void Every_checkpoint_flag_maps_to_its_criu_option()
    {
        var options = new CheckpointOptions
        {
            ImagePath = "/img", WorkPath = "/work", ParentPath = "../pre", LeaveRunning = true, TcpEstablished = true, ExtUnixSk = true,
            ShellJob = true, FileLocks = true, ManageCgroupsMode = "full", EmptyNs = ["network"], AutoDedup = true, LazyPages = true,
            StatusFd = 7, PageServer = "10.0.0.1:2000",
        };

        string line = Pairs(CriuArguments.ForDump(options, 42, "/r", SpecWith()));

        line.Should().StartWith("dump --tree 42 --images-dir /img --work-dir /work --log-file dump.log -v4 --root /r --prev-images-dir ../pre --track-mem --leave-running");
        foreach (string part in new[] { "--tcp-established", "--ext-unix-sk", "--shell-job", "--file-locks", "--auto-dedup", "--manage-cgroups=full",
            "--empty-ns net", "--lazy-pages", "--status-fd 7", "--page-server --address 10.0.0.1 --port 2000" })
            line.Should().Contain(part);
        line.Should().NotContain("--manage-cgroups ");
    }

    [Fact]
    public void A_pre_dump_tracks_memory_and_never_leaves_running_twice()
    {
        var args = CriuArguments.ForDump(new CheckpointOptions { ImagePath = "/pre", PreDump = true, LeaveRunning = true }, 1, "/r", SpecWith());

        args[0].Should().Be("pre-dump");
        args.Should().Contain("--track-mem").And.NotContain("--leave-running");
    }

    [Fact]
    public void Bind_mounts_are_external_keyed_by_destination_and_restored_from_the_bundle_source()
    {
        var spec = SpecWith(
            new MountSpec { Destination = "/data", Type = "bind", Source = "shared", Options = ["rbind"] },
            new MountSpec { Destination = "/etc/hosts", Source = "/etc/hosts", Options = ["bind", "ro"] },
            new MountSpec { Destination = "/proc", Type = "proc", Source = "proc" });

        string dump = Pairs(CriuArguments.ForDump(new CheckpointOptions { ImagePath = "/img" }, 1, "/r", spec));
        string restore = Pairs(CriuArguments.ForRestore(new RestoreOptions { ImagePath = "/img" }, "/b/rootfs", "/b", "/w/pid", spec, []));

        dump.Should().Contain("--ext-mount-map /data:/data --ext-mount-map /etc/hosts:/etc/hosts").And.NotContain("/proc");
        restore.Should().Contain("--ext-mount-map /data:/b/shared --ext-mount-map /etc/hosts:/etc/hosts");
    }

    [Fact]
    public void Restore_is_detached_with_a_pid_file_joins_namespaces_by_path_and_goes_under_the_new_cgroup()
    {
        var options = new RestoreOptions
        {
            ImagePath = "/img", WorkPath = "/w", NoPivot = true, TcpEstablished = true, ShellJob = true, ManageCgroupsMode = "soft",
            LsmProfile = "apparmor:x", LsmMountContext = "ctx", LazyPages = true,
        };

        string line = Pairs(CriuArguments.ForRestore(options, "/b/rootfs", "/b", "/w/restore.pid", SpecWith(), ["/c1", "memory:/c1"]));

        line.Should().StartWith("restore --images-dir /img --work-dir /w --log-file restore.log -v4 --root /b/rootfs --pidfile /w/restore.pid --restore-detached");
        foreach (string part in new[] { "--tcp-established", "--shell-job", "--manage-cgroups=soft", "--no-pivot", "--lazy-pages",
            "--lsm-profile apparmor:x", "--lsm-mount-context ctx", "--join-ns uts:/proc/1/ns/uts", "--cgroup-root /c1 --cgroup-root memory:/c1" })
            line.Should().Contain(part);
    }

    [Fact]
    public void A_joined_network_namespace_comes_back_as_an_inherited_fd()
    {
        var spec = SpecWith();
        spec.Linux!.Namespaces!.Add(new NamespaceSpec { Type = "network", Path = "/var/run/netns/x" });

        Pairs(CriuArguments.ForRestore(new RestoreOptions(), "/r", "/b", "/p", spec, [])).Should().Contain("--inherit-fd fd[3]:extRootNetNS");
    }

    [Fact]
    public void A_terminal_container_is_dumped_as_a_shell_job_with_its_console_external_and_restored_on_the_new_terminal()
    {
        var spec = SpecWith();
        spec.Process = new ProcessSpec { Terminal = true, Args = ["sh"], Cwd = "/" };

        string dump = Pairs(CriuArguments.ForDump(new CheckpointOptions { ImagePath = "/img" }, 1, "/r", spec));
        string restore = Pairs(CriuArguments.ForRestore(new RestoreOptions { ImagePath = "/img" }, "/r", "/b", "/p", spec, [], "/dev/pts/7"));
        string plain = Pairs(CriuArguments.ForRestore(new RestoreOptions { ImagePath = "/img" }, "/r", "/b", "/p", SpecWith(), []));

        dump.Should().Contain("--shell-job").And.Contain("--ext-mount-map /dev/console:/dev/console");
        restore.Should().Contain("--shell-job").And.Contain("--ext-mount-map /dev/console:/dev/pts/7");
        plain.Should().NotContain("--shell-job").And.NotContain("/dev/console");
    }

    [Fact]
    public void Recorded_stdio_pipes_are_inherited_from_restore_s_own_fds_and_nothing_else_is()
    {
        string line = Pairs(CriuArguments.ForRestore(new RestoreOptions(), "/r", "/b", "/p", SpecWith(), [], null,
            ["/dev/null", "pipe:[4242]", "pipe:[4343]"]));

        line.Should().Contain("--inherit-fd fd[1]:pipe:[4242] --inherit-fd fd[2]:pipe:[4343]").And.NotContain("fd[0]");
        Pairs(CriuArguments.ForRestore(new RestoreOptions(), "/r", "/b", "/p", SpecWith(), [], null, ["pipe:[1]", "pipe:[2]", "pipe:[2]"]))
            .Should().Contain("--inherit-fd fd[0]:pipe:[1] --inherit-fd fd[1]:pipe:[2]").And.NotContain("fd[2]");
    }

    [Fact]
    public void Descriptors_json_round_trips_the_stdio_targets_of_a_process()
    {
        string dir = Directory.CreateTempSubdirectory("jaula-descriptors-").FullName;
        try
        {
            StdioDescriptors.Read(dir).Should().BeEmpty();
            StdioDescriptors.Record(Environment.ProcessId, dir);
            var targets = StdioDescriptors.Read(dir);
            targets.Should().HaveCount(3);
            targets[0].Should().Be(Jaula.Linux.Sys.ReadLink("/proc/self/fd/0"));
            File.WriteAllText(Path.Combine(dir, StdioDescriptors.FileName), "{}");
            var act = () => StdioDescriptors.Read(dir);
            act.Should().Throw<JaulaException>().WithMessage("*descriptors.json: not a JSON array*");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--manage-cgroups-mode", "bogus")]
    [InlineData("--empty-ns", "ipc")]
    [InlineData("--page-server", "nocolon")]
    public void Bad_values_are_refused_naming_the_flag(string flag, string value)
    {
        var options = flag switch
        {
            "--manage-cgroups-mode" => new CheckpointOptions { ManageCgroupsMode = value },
            "--empty-ns" => new CheckpointOptions { EmptyNs = [value] },
            _ => new CheckpointOptions { PageServer = value },
        };

        var act = () => CriuArguments.ForDump(options, 1, "/r", SpecWith());

        act.Should().Throw<JaulaException>().WithMessage($"{flag}: \"{value}\"*");
    }

    [Fact]
    public void The_reason_is_criu_s_first_error_line_without_its_timestamp()
    {
        string log = Path.GetTempFileName();
        try
        {
            File.WriteAllText(log, "(00.001) Version: 3.17.1\n(00.002) Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable\n"
                + "(00.003) Error (criu/crtools.c:260): Could not initialize kernel features detection.\n(00.004) done\n");
            CriuLog.Reason(log).Should().Be("Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable");
        }
        finally
        {
            File.Delete(log);
        }
        CriuLog.Reason(log).Should().StartWith("criu wrote no log");
    }
}
