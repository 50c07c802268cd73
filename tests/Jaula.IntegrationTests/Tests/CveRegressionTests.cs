using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// One hostile-config or hostile-rootfs fixture per runc CVE class. Each is refused naming the field or path, or is
/// confined so that nothing on the host can be reached; none may change the host.
/// </summary>
public sealed class CveRegressionTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    /// <summary>CVE-2019-5736: the container's init must not be (or lead back to) the writable jaula binary.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_init_does_not_run_from_the_host_binary(bool cInit)
    {
        string id = NewId();
        using var bundle = NewBundle(b => b.UseInit(cInit), "sleep", "30");
        Jaula.Create(id, bundle).ShouldSucceed();
        int pid = Jaula.State(id).Pid;
        string exe = $"/proc/{pid}/exe";

        var binary = new FileInfo(Path.GetFullPath(RepoPaths.Binary));
        Inode(exe).Should().NotBe(Inode(binary.FullName), "the init must not execute the host file itself");
        File.ResolveLinkTarget(exe, returnFinalTarget: false)!.FullName.Should().NotBe(binary.FullName);
        var write = () => { using var f = new FileStream(exe, FileMode.Open, FileAccess.Write); f.Write([0x7f]); f.Flush(); };
        write.Should().Throw<Exception>("the init's executable refuses writes");
    }

    /// <summary>
    /// CVE-2019-5736 without a copy: on this host (root, overlayfs, Linux 6.13 or later) the init and an exec'd
    /// process are run from jaula opened through a detached read-only overlay. Their /proc/&lt;pid&gt;/exe cannot be
    /// opened for writing (EROFS, nor through a reopened O_PATH descriptor), has the binary's content but not its
    /// device, and the host binary is unchanged afterwards.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_init_runs_from_a_read_only_overlay_that_refuses_writes(bool cInit)
    {
        string id = NewId();
        using var bundle = NewBundle(b => b.UseInit(cInit), "sleep", "30");
        string log = Path.Combine(bundle.Dir, "debug.log");
        var binary = new FileInfo(Path.GetFullPath(RepoPaths.Binary));
        byte[] before = File.ReadAllBytes(binary.FullName);
        Jaula.Track(id);
        Jaula.Invoke("--debug", "--log", log, "create", "--bundle", bundle.Dir, id).ShouldSucceed();
        int pid = Jaula.State(id).Pid;
        string exe = $"/proc/{pid}/exe";

        File.ReadAllText(log).Should().Contain(cInit ? "init: the C init" : "init: the managed init");
        File.ReadAllText(log).Should().Contain("jaula opened through a detached read-only overlay")
            .And.NotContain("sealed copy", "no copy of the binary is made where overlayfs is available");
        Inode(exe).Split(':')[0].Should().NotBe(Inode(binary.FullName).Split(':')[0], "the init's exe lives on the overlay");
        File.ReadAllBytes(exe).Should().Equal(before, "the overlay shows the binary itself, uncopied");
        var write = () => new FileStream(exe, FileMode.Open, FileAccess.Write).Dispose();
        write.Should().Throw<IOException>().WithMessage("*Read-only file system*");
        CommandResult reopen;
        using (var shell = RunningCommand.Start("/bin/sh", ["-c", $"exec 5<'{exe}' && exec 6>>/proc/self/fd/5"]))
            reopen = shell.Wait();
        reopen.ExitCode.Should().NotBe(0, "a descriptor of the init's exe cannot be reopened for writing");
        reopen.Stderr.Should().Contain("Read-only file system");

        // exec takes the same road.
        Jaula.Start(id).ShouldSucceed();
        Jaula.Invoke("--debug", "--log", log, "exec", id, "true").ShouldSucceed();
        File.ReadAllText(log).Should().NotContain("sealed copy");
        File.ReadAllBytes(binary.FullName).Should().Equal(before);
        // --debug says where the time went (PhaseTimer), for create and for exec.
        File.ReadAllText(log).Should().Contain("timing: process start to command").And.Contain("timing: create: wait for READY")
            .And.Contain("timing: create total").And.Contain("timing: exec (to the process started) total");
    }

    /// <summary>CVE-2024-21626: descriptors jaula inherited from its caller never reach the container.</summary>
    [Fact]
    public void A_descriptor_leaked_by_the_caller_does_not_reach_the_container()
    {
        string id = NewId();
        using var bundle = NewBundle("ls", "/proc/self/fd");
        string host = Directory.CreateTempSubdirectory("jaula-it-leak-").FullName;
        try
        {
            using var run = RunningCommand.Start("/bin/bash", ["-c",
                $"exec 7<'{host}' 8</etc/hostname 9<>/dev/null; exec '{Jaula.Binary}' --root '{Jaula.Root}' run --bundle '{bundle.Dir}' {id}"]);
            var result = run.Wait();

            result.ShouldSucceed();
            // ls itself holds 3 for the directory it lists.
            result.Stdout.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries).Should().BeEquivalentTo(["0", "1", "2", "3"]);
        }
        finally
        {
            Directory.Delete(host);
        }
    }

    /// <summary>CVE-2024-21626: a cwd through /proc/self/fd/N would start the process outside the container's root.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void A_cwd_through_a_proc_fd_link_is_refused(int fd)
    {
        foreach (bool cInit in new[] { true, false })
        {
            string id = NewId();
            using var bundle = NewBundle(b => b.UseInit(cInit).Process["cwd"] = $"/proc/self/fd/{fd}", "pwd");

            Jaula.Create(id, bundle).ShouldFailWith(id, "process.cwd");
        }
    }

    /// <summary>CVE-2024-21626 as exploited: a host directory passed with --preserve-fds, and the cwd pointed at it.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_cwd_through_a_preserved_host_directory_is_refused(bool cInit)
    {
        string id = NewId();
        using var bundle = NewBundle(b => b.UseInit(cInit).Process["cwd"] = "/proc/self/fd/3", "sh", "-c", "pwd; touch escaped");
        string host = Directory.CreateTempSubdirectory("jaula-it-cwd-").FullName;
        try
        {
            using var run = RunningCommand.Start("/bin/bash", ["-c",
                $"exec 3<'{host}'; exec '{Jaula.Binary}' --root '{Jaula.Root}' run --preserve-fds 1 --bundle '{bundle.Dir}' {id}"]);
            var result = run.Wait();

            result.ShouldFailWith(id, "process.cwd");
            Directory.GetFileSystemEntries(host).Should().BeEmpty("the process must not have run in the host directory");
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    /// <summary>CVE-2023-27561: proc or sysfs mounted over a symlink could land anywhere the image points.</summary>
    [Theory]
    [InlineData("/proc", "/tmp/fakeproc")]
    [InlineData("/sys", "/tmp/fakesys")]
    public void A_proc_or_sys_destination_that_is_a_symlink_is_refused(string destination, string linkTarget)
    {
        string id = NewId();
        int index = -1;
        using var bundle = NewBundle(b =>
        {
            index = b.Config["mounts"]!.AsArray().Select(m => (string?)m!["destination"]).ToList().IndexOf(destination);
            Directory.CreateDirectory(b.HostPath(linkTarget));
            Directory.Delete(b.HostPath(destination));
            File.CreateSymbolicLink(b.HostPath(destination), linkTarget);
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, $"mounts[{index}]", "symlink");
        Directory.GetFileSystemEntries(bundle.HostPath(linkTarget)).Should().BeEmpty();
    }

    /// <summary>
    /// CVE-2025-31133: masked paths are covered with the null device. An image whose /dev/null is a symlink to a
    /// procfs file must not get that file bound over the masked path.
    /// </summary>
    [Fact]
    public void Masked_paths_are_covered_by_the_real_null_device_even_when_the_image_fakes_dev_null()
    {
        var result = RunScript("stat -L -c '%t:%T %F' /proc/keys", b =>
        {
            // No /dev tmpfs: the image's own /dev is used, and its /dev/null points into procfs.
            var mounts = b.Config["mounts"]!.AsArray();
            foreach (var m in mounts.Where(m => ((string?)m!["destination"])!.StartsWith("/dev", StringComparison.Ordinal)).ToList())
                mounts.Remove(m);
            string devNull = b.HostPath("/dev/null");
            Directory.CreateDirectory(Path.GetDirectoryName(devNull)!);
            if (File.Exists(devNull) || Path.Exists(devNull))
                File.Delete(devNull);
            File.CreateSymbolicLink(devNull, "/proc/sys/kernel/core_pattern");
        });

        if (result.Succeeded)
            result.Stdout.Trim().Should().Be("1:3 character special file", "/proc/keys (masked) must be covered by the null device");
        else
            result.ShouldMentionAnyOf("/dev/null", "linux.maskedPaths");
        File.ReadAllText("/proc/sys/kernel/core_pattern").Should().NotContain("jaula", "the host's core_pattern is untouched");
    }

    /// <summary>"device:inode" of what the path finally names.</summary>
    /// <summary>CVE-2025-31133: a /dev/null that is some other device is never used to cover masked paths.</summary>
    [Fact]
    public void A_dev_null_that_is_not_the_null_device_is_refused_for_masking()
    {
        string id = NewId();
        using var bundle = NewBundle(b =>
        {
            b.Linux["devices"] = new JsonArray(new JsonObject { ["path"] = "/dev/null", ["type"] = "c", ["major"] = 1, ["minor"] = 5 });
            b.Linux["maskedPaths"] = new JsonArray("/proc/keys");
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.maskedPaths", "not the null device");
    }

    /// <summary>
    /// CVE-2025-52881 class: a config mount over a /proc file must not redirect jaula's own procfs writes (sysctl)
    /// into the mounted file, here a host file.
    /// </summary>
    [Fact]
    public void A_sysctl_write_is_not_redirected_by_a_mount_over_its_proc_file()
    {
        string hostFile = Path.Combine(Directory.CreateTempSubdirectory("jaula-it-sysctl-").FullName, "target");
        File.WriteAllText(hostFile, "untouched");
        try
        {
            string id = NewId();
            using var bundle = NewBundle(b =>
            {
                b.AddMount("/proc/sys/kernel/domainname", hostFile, "bind", "bind");
                b.Config["linux"]!["sysctl"] = new JsonObject { ["kernel.domainname"] = "pwned" };
            }, "true");

            var result = Jaula.Run(id, bundle);

            if (!result.Succeeded)
                result.ShouldFailWith(id, "linux.sysctl");
            File.ReadAllText(hostFile).Should().Be("untouched", "the host file mounted over /proc/sys must not receive the sysctl");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(hostFile)!, recursive: true);
        }
    }

    private static string Inode(string path)
    {
        var result = Shell.Run("/usr/bin/stat", "-L", "-c", "%d:%i", path);
        result.ShouldSucceed();
        return result.Stdout.Trim();
    }
}
