using System.Buffers.Binary;
using System.Diagnostics;
using FluentAssertions;
using Xunit;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox;
using Jaula.Sandbox.Rootfs;
using Jaula.Sandbox.Rootfs.Plan;

namespace Jaula.UnitTests.Sandbox;

/// <summary>
/// The rootfs plan: compiled by C# (RootfsPlanCompiler) from a spec and facts given here (no root, no host reads),
/// encoded by RootfsPlan, decoded by native/rootfs_plan_decode.c in a small gcc-built driver; and a failure the C
/// executor reports mapped back to the config field.
/// </summary>
public sealed class RootfsPlanTests
{
    private static readonly PlanCheckDriver s_driver = new("rootfs_plan_check.c", "rootfs_plan_decode.c", "rootfs_plan_check");

    private static RootfsPlanInput Input(bool userns = false, bool shared = false, IReadOnlyDictionary<int, int>? trees = null) => new()
    {
        Rootfs = "/b/rootfs",
        Bundle = "/b",
        InUserNamespace = userns,
        SharedMountNamespace = shared,
        HostMounts =
        [
            new MountInfo("/", "/", "ext4", "/dev/sda1", "rw"),
            new MountInfo("/", "/sys/fs/cgroup", "tmpfs", "tmpfs", "rw"),
            new MountInfo("/", "/sys/fs/cgroup/memory", "cgroup", "cgroup", "rw,memory"),
            new MountInfo("/", "/sys/fs/cgroup/cpu,cpuacct", "cgroup", "cgroup", "rw,cpu,cpuacct"),
        ],
        Cgroups = [new OwnCgroup("memory", "/jaula-x"), new OwnCgroup("cpu,cpuacct", "/jaula-x")],
        HasKcore = true,
        CgroupAliases = [("cpu", "cpu,cpuacct")],
        MountTrees = trees ?? new Dictionary<int, int>(),
        SyncFd = 3,
        Probe = p => p switch
        {
            "/b/data" or "/sys" or "/sys/fs/cgroup/memory/jaula-x" => HostFileKind.Directory,
            "/b/file.txt" or "/dev/fuse" => HostFileKind.Other,
            _ => HostFileKind.Missing,
        },
    };

    private static Spec Default()
    {
        var spec = DefaultSpec.Create(rootless: false);
        spec.Linux!.Devices = [new() { Type = "c", Path = "/dev/fuse", Major = 10, Minor = 229, FileMode = 0x1B6 }];
        spec.Root!.Readonly = true;
        spec.Process!.Cwd = "/work";
        return spec;
    }

    private static string[] Lines(RootfsPlan plan) => plan.ToString().TrimEnd('\n').Split('\n');

    [Fact]
    public void The_default_spec_compiles_in_runc_order_with_each_operation_naming_its_field()
    {
        var plan = RootfsPlanCompiler.Compile(Default(), Input());
        var lines = Lines(plan);

        lines[0].Should().Be("0: MountHost / flags=Rec|Slave [linux.rootfsPropagation]");
        lines[1].Should().Be("1: MountHost / flags=Private"); // the rootfs's parent mount
        lines[2].Should().Be("2: MountHost /b/rootfs source=/b/rootfs flags=Bind|Rec [root.path]");
        lines[3].Should().Be("3: Root /b/rootfs [root.path]");
        lines[4].Should().Be("4: Mount ResolveMkdir|NotSymlink /proc source=proc type=proc [mounts[0]]");
        lines.Should().Contain(l => l.EndsWith("Mount ResolveMkdir /dev source=tmpfs type=tmpfs flags=NoSuid|StrictAtime data=mode=755,size=65536k [mounts[1]]"));
        lines.Should().Contain(l => l.EndsWith("Mknod /dev/null mode=21b6 dev=103 owner=0:0 [/dev]"));
        lines.Should().Contain(l => l.EndsWith("Symlink /dev/core source=/proc/kcore [/dev]"));
        lines.Should().Contain(l => l.EndsWith("Symlink /dev/ptmx source=pts/ptmx [/dev]"));
        lines.Should().Contain(l => l.EndsWith("Mknod /dev/fuse mode=21b6 dev=ae5 owner=0:0 [linux.devices[0]]"));
        lines.Should().Contain(l => l.EndsWith("Mkdir /work [process.cwd]"));
        int pivot = Array.FindIndex(lines, l => l.Contains(": Pivot /b/rootfs"));
        lines[pivot - 1].Should().EndWith("Pause BeforePivot");
        lines[pivot + 1].Should().EndWith("Pause AfterPivot");
        lines[pivot + 2].Should().EndWith("Root /");
        lines[pivot + 3].Should().EndWith("Console /dev/console source=/dev/ptmx fd=3 [process.terminal]");
        lines[pivot + 4].Should().EndWith("Hostname jaula [hostname]"); // no setsid: the terminal's attach makes the session
        lines[pivot + 5].Should().EndWith("OpenNull [linux.maskedPaths]");
        lines.Should().Contain(l => l.EndsWith("Mask /proc/kcore [linux.maskedPaths[2]]"));
        lines.Should().Contain(l => l.EndsWith("Readonly /proc/sys [linux.readonlyPaths[3]]"));
        int process = Array.FindIndex(lines, l => l.EndsWith("Pause Process"));
        lines[process - 1].Should().EndWith("Mount ResolveExisting|KeepLocked / flags=ReadOnly|Remount|Bind [root.readonly]");
        lines[^1].Should().EndWith("Umask mode=0022 [process.user.umask]");
    }

    [Fact]
    public void A_cgroup_mount_on_a_v1_host_is_a_tmpfs_with_a_bind_per_hierarchy_and_the_aliases()
    {
        var lines = Lines(RootfsPlanCompiler.Compile(Default(), Input()));
        int cgroup = DefaultSpec.Create(rootless: false).Mounts!.FindIndex(m => m.Type == "cgroup");
        string tag = $"[mounts[{cgroup}]]";
        var ops = lines.Where(l => l.EndsWith(tag)).Select(l => l[(l.IndexOf(": ") + 2)..]).ToList();

        ops.Should().Equal(
            $"Mount ResolveMkdir /sys/fs/cgroup source=tmpfs type=tmpfs flags=NoSuid|NoDev|NoExec|RelAtime data=mode=755 {tag}",
            $"Mount ResolveMkdir /sys/fs/cgroup/memory source=/sys/fs/cgroup/memory/jaula-x flags=Bind|Rec {tag}", // the container's own cgroup
            $"Mount ResolveExisting /sys/fs/cgroup/memory flags=Private {tag}", // no propagation from the host (criu)
            $"Mount ResolveExisting /sys/fs/cgroup/memory flags=ReadOnly|NoSuid|NoDev|NoExec|Remount|Bind|RelAtime {tag}",
            $"Mount ResolveMkdir /sys/fs/cgroup/cpu,cpuacct source=/sys/fs/cgroup/cpu,cpuacct flags=Bind|Rec {tag}", // its cgroup dir is missing: the hierarchy
            $"Mount ResolveExisting /sys/fs/cgroup/cpu,cpuacct flags=Private {tag}",
            $"Mount ResolveExisting /sys/fs/cgroup/cpu,cpuacct flags=ReadOnly|NoSuid|NoDev|NoExec|Remount|Bind|RelAtime {tag}",
            $"Symlink /sys/fs/cgroup/cpu source=cpu,cpuacct {tag}",
            $"Mount ResolveExisting /sys/fs/cgroup flags=ReadOnly|NoSuid|NoDev|NoExec|Remount|RelAtime data=mode=755 {tag}");
    }

    [Fact]
    public void Binds_remount_for_their_flags_keep_locked_flags_in_a_user_namespace_and_use_the_idmapped_tree()
    {
        var spec = new Spec
        {
            OciVersion = "1.2.0",
            Root = new() { Path = "rootfs" },
            Mounts =
            [
                new() { Destination = "/data", Type = "bind", Source = "data", Options = ["rbind", "ro", "rprivate"] },
                new() { Destination = "/etc/file.txt", Source = "/b/file.txt", Options = ["bind", "rro"] },
                new() { Destination = "/mapped", Type = "bind", Source = "/b/data", Options = ["bind", "idmap"] },
            ],
        };
        var lines = Lines(RootfsPlanCompiler.Compile(spec, Input(userns: true, trees: new Dictionary<int, int> { [2] = 42 })))
            .Select(l => l[(l.IndexOf(": ") + 2)..]).ToList();

        lines.Should().ContainInOrder(
            "Mount ResolveMkdir /data source=/b/data flags=Bind|Rec [mounts[0]]",
            "Mount ResolveExisting|KeepLocked /data flags=ReadOnly|Remount|Bind [mounts[0]]",
            "Mount ResolveExisting /data flags=Rec|Private [mounts[0]]",
            "Mount ResolveFile /etc/file.txt source=/b/file.txt flags=Bind [mounts[1]]",
            "SetAttr ResolveExisting /etc/file.txt attr=+1-0 [mounts[1]]",
            "MoveMount ResolveMkdir /mapped fd=42 [mounts[2]]");
        lines.Should().Contain("Mount ResolveFile /dev/null source=/dev/null flags=Bind [/dev]", "mknod is refused in a user namespace");
    }

    [Fact]
    public void Sysfs_in_a_user_namespace_falls_back_to_binding_the_hosts_sys_on_EPERM()
    {
        var spec = new Spec
        {
            OciVersion = "1.2.0",
            Root = new() { Path = "rootfs" },
            Mounts = [new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = ["nosuid", "ro"] }],
        };
        var lines = Lines(RootfsPlanCompiler.Compile(spec, Input(userns: true))).Where(l => l.EndsWith("[mounts[0]]"))
            .Select(l => l[(l.IndexOf(": ") + 2)..]).ToList();

        lines.Should().Equal(
            "Mount ResolveMkdir|NotSymlink|AltOnEperm /sys source=sysfs type=sysfs flags=ReadOnly|NoSuid skip=2 [mounts[0]]",
            "Mount ResolveMkdir /sys source=/sys flags=Bind|Rec [mounts[0]]",
            "Mount ResolveExisting|KeepLocked /sys flags=ReadOnly|NoSuid|Remount|Bind [mounts[0]]");
    }

    [Fact]
    public void Without_a_mount_namespace_the_rootfs_bind_turns_private_mounts_turn_slave_and_the_init_chroots()
    {
        var spec = new Spec
        {
            OciVersion = "1.2.0",
            Root = new() { Path = "rootfs" },
            Mounts = [new() { Destination = "/tmp", Type = "tmpfs", Source = "tmpfs", Options = ["tmpcopyup"] }],
        };
        var lines = Lines(RootfsPlanCompiler.Compile(spec, Input(shared: true))).Select(l => l[(l.IndexOf(": ") + 2)..]).ToList();

        lines.Take(3).Should().Equal(
            "MountHost /b/rootfs source=/b/rootfs flags=Bind|Rec [root.path]",
            "MountHost /b/rootfs flags=Rec|Private [root.path]",
            "Root /b/rootfs [root.path]");
        lines.Should().ContainInOrder(
            "Mount ResolveMkdir|CopyUp /tmp source=tmpfs type=tmpfs [mounts[0]]",
            "Mount ResolveExisting /tmp flags=Rec|Slave [mounts[0]]",
            "Chroot /b/rootfs");
        lines.Should().NotContain(l => l.StartsWith("Pivot"));
    }

    [Fact]
    public void What_cannot_be_planned_fails_at_compile_naming_the_field()
    {
        var missing = new Spec { OciVersion = "1.2.0", Root = new() { Path = "rootfs" }, Mounts = [new() { Destination = "/x", Type = "bind", Source = "/nope", Options = ["bind"] }] };
        var act = () => RootfsPlanCompiler.Compile(missing, Input());
        act.Should().Throw<ContainerSetupException>().Which.Message.Should().Be("mounts[0]: bind source /nope: no such file or directory; create it on the host or correct the source");

        var badDevice = new Spec { OciVersion = "1.2.0", Root = new() { Path = "rootfs" }, Linux = new() { Devices = [new() { Type = "x", Path = "/dev/x" }] } };
        act = () => RootfsPlanCompiler.Compile(badDevice, Input());
        act.Should().Throw<ContainerSetupException>().Which.Field.Should().Be("linux.devices[0]");

        var copyUp = new Spec { OciVersion = "1.2.0", Root = new() { Path = "rootfs" }, Mounts = [new() { Destination = "/x", Type = "proc", Source = "proc", Options = ["tmpcopyup"] }] };
        act = () => RootfsPlanCompiler.Compile(copyUp, Input());
        act.Should().Throw<ContainerSetupException>().Which.Field.Should().Be("mounts[0]");
    }

    [Fact]
    public void A_failure_reported_by_C_becomes_the_users_error_for_the_field()
    {
        var plan = RootfsPlanCompiler.Compile(Default(), Input(userns: true));
        int proc = plan.Operations.ToList().FindIndex(o => o.Path == "/proc" && o.FsType == "proc");

        var e = RootfsPlanFailure.Describe(plan, proc, Errno.ENODEV, RootfsStep.Mount);
        e.Field.Should().Be("mounts[0]");
        e.Message.Should().Be("mounts[0]: mount proc on /proc (type proc): mount /proc: No such device");
        ((ErrnoException)e.InnerException!).Errno.Should().Be(Errno.ENODEV);

        RootfsPlanFailure.Describe(plan, proc, Errno.ELOOP, RootfsStep.SymlinkTarget).Message
            .Should().Contain("mounts[0]").And.Contain("a symlink in the image; proc is never mounted over a symlink");

        RootfsPlanFailure.Describe(plan, 2, Errno.EACCES, RootfsStep.Mount).Message
            .Should().StartWith("root.path: binding the rootfs /b/rootfs: mount /b/rootfs: Permission denied (the container's root is an unprivileged host user");

        int cwd = plan.Operations.ToList().FindIndex(o => o.Kind == RootfsOpKind.Mkdir);
        RootfsPlanFailure.Describe(plan, cwd, Errno.ENOENT, RootfsStep.MissingParent).Message
            .Should().StartWith("process.cwd: creating the working directory /work: openat2 /work (a symlink to a missing directory");

        int openNull = plan.Operations.ToList().FindIndex(o => o.Kind == RootfsOpKind.OpenNull);
        RootfsPlanFailure.Describe(plan, openNull, Errno.ENOTTY, RootfsStep.NotNull).Message
            .Should().Be("linux.maskedPaths: /dev/null in the container is not the null device (char 1:3); refusing to cover masked paths with it");

        int masked = plan.Operations.ToList().FindIndex(o => o.Kind == RootfsOpKind.Mask);
        RootfsPlanFailure.Describe(plan, masked + 4, Errno.EPERM, RootfsStep.Mount).Message
            .Should().Be("linux.maskedPaths[4]: /proc/latency_stats: mount /proc/latency_stats: Operation not permitted");
    }

    [Fact]
    public void A_plan_decodes_in_C_to_what_was_encoded()
    {
        var plan = RootfsPlanCompiler.Compile(Default(), Input(userns: true, trees: new Dictionary<int, int> { [0] = 9 }));
        var output = Decode(plan.Encode());

        output.Should().StartWith($"rc={plan.Operations.Count}\n");
        output.Should().Contain("0: kind=1 flags=0 field=2/0 mflags=84000 set=0 clr=0 dev=0 mode=0 owner=0:0 fd=-1 skip=0 arg=0 path=/ source=- type=- data=-");
        int devices = plan.Operations.ToList().FindIndex(o => o.Field == RootfsField.Devices);
        output.Should().Contain($"{devices}: kind=3 flags=4 field=4/0 mflags=1000 set=0 clr=0 dev=0 mode=0 owner=0:0 fd=-1 skip=0 arg=0 path=/dev/fuse source=/dev/fuse type=- data=-");
        int pause = plan.Operations.ToList().FindIndex(o => o.Pause == RootfsPause.AfterPivot);
        output.Should().Contain($"{pause}: kind=15 flags=0 field=0/0 ");
        output.Should().Contain("arg=3 path=- source=- type=- data=-");
    }

    [Fact]
    public void A_plan_that_does_not_decode_as_a_whole_is_refused()
    {
        var plan = RootfsPlanCompiler.Compile(Default(), Input()).Encode();
        foreach (int cut in new[] { 1, 15, 16, 40, plan.Length / 2, plan.Length - 1 })
        {
            var truncated = plan[..cut];
            if (cut >= 8)
                BinaryPrimitives.WriteUInt32LittleEndian(truncated.AsSpan(4), (uint)cut);
            Decode(truncated).Should().StartWith("rc=-22", "a plan cut at {0} bytes", cut);
        }
        var longer = plan.Concat(new byte[4]).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(longer.AsSpan(4), (uint)longer.Length);
        Decode(longer).Should().StartWith("rc=-22");

        var unknownKind = plan.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(unknownKind.AsSpan(16), 99);
        Decode(unknownKind).Should().StartWith("rc=-22");

        var skipOut = plan.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(skipOut.AsSpan(16 + 64), 1); // a skip on an operation that takes none
        Decode(skipOut).Should().StartWith("rc=-22");

        var noNul = plan.ToArray(); // the first operation's path "/": its NUL becomes 'x'
        noNul[16 + 72 + 4 + 1].Should().Be(0);
        noNul[16 + 72 + 4 + 1] = (byte)'x';
        Decode(noNul).Should().StartWith("rc=-22");

        var huge = plan.ToArray(); // a string longer than any path
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(16 + 72), 5000);
        Decode(huge).Should().StartWith("rc=-7");
    }

    [Fact]
    public void A_NUL_in_a_path_is_refused_at_encoding_naming_the_field()
    {
        var spec = new Spec { OciVersion = "1.2.0", Root = new() { Path = "rootfs" }, Mounts = [new() { Destination = "/a\0b", Type = "tmpfs", Source = "tmpfs" }] };
        var act = () => RootfsPlanCompiler.Compile(spec, Input()).Encode();

        act.Should().Throw<ContainerSetupException>().Which.Field.Should().Be("mounts[0]");
    }

    /// <summary>
    /// The fuzz seeds (tests/fuzz/seeds) are plans this compiler made; set JAULA_WRITE_FUZZ_SEEDS=1 to rewrite them
    /// after a change of the encoding. Otherwise each must still decode (the fuzz driver refuses a stale seed).
    /// </summary>
    [Fact]
    public void The_fuzz_seeds_are_plans_of_this_encoding()
    {
        string dir = Path.Combine(PlanCheckDriver.RepositoryRoot(), "tests", "fuzz", "seeds");
        var seeds = new Dictionary<string, byte[]>
        {
            ["default.plan"] = RootfsPlanCompiler.Compile(Default(), Input()).Encode(),
            ["userns.plan"] = RootfsPlanCompiler.Compile(Default(), Input(userns: true, trees: new Dictionary<int, int> { [0] = 9 })).Encode(),
            ["shared.plan"] = RootfsPlanCompiler.Compile(Default(), Input(shared: true)).Encode(),
            ["rootless.plan"] = RootfsPlanCompiler.Compile(DefaultSpec.Create(rootless: true), Input(userns: true)).Encode(),
            ["process.plan"] = RootfsPlanCompiler.Compile(ProcessPlanTests.Full(), Input() with { Process = new() { SessionKeyring = "_ses.fuzz" } }).Encode(),
            ["console.plan"] = RootfsPlanCompiler.Compile(ProcessPlanTests.WithTerminal(new() { Height = 40, Width = 132 }), Input()).Encode(),
        };
        if (Environment.GetEnvironmentVariable("JAULA_WRITE_FUZZ_SEEDS") == "1")
        {
            foreach (var (name, bytes) in seeds)
                File.WriteAllBytes(Path.Combine(dir, name), bytes);
        }
        foreach (string file in Directory.GetFiles(dir))
            Decode(File.ReadAllBytes(file)).Should().NotStartWith("rc=-", "seed {0} must decode", file);
        Directory.GetFiles(dir).Should().HaveCountGreaterThanOrEqualTo(seeds.Count);
    }

    private static string Decode(byte[] plan) => s_driver.Decode(plan);
}
