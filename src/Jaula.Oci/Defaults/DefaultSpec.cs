namespace Jaula.Oci;

/// <summary>
/// The config.json that `jaula spec` writes: runc's starter config (a shell, the three capabilities, a read-only
/// rootfs, the usual pseudo-filesystems, masked /proc files), with a terminal off until jaula has one.
/// </summary>
public static class DefaultSpec
{
    private const string ProcessPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static readonly string[] Capabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
    private static readonly string[] NoExecNoSuidNoDev = ["nosuid", "noexec", "nodev"];

    /// <summary>
    /// The default config; rootless maps the caller's effective uid and gid (read from /proc/self/status) to
    /// root in a new user namespace.
    /// </summary>
    public static Spec Create(bool rootless)
    {
        if (!rootless)
        {
            return CreatePrivileged();
        }
        var (uid, gid) = CallerIds.Effective();
        return CreateRootless(uid, gid);
    }

    /// <summary>The default config for a container started by root.</summary>
    public static Spec CreatePrivileged() => new()
    {
        OciVersion = OciSpecVersion.Current,
        Root = new RootSpec { Path = "rootfs", Readonly = true },
        Process = DefaultProcess(),
        Hostname = "jaula",
        Mounts = DefaultMounts(),
        Linux = new LinuxSpec
        {
            Namespaces = Namespaces(
                NamespaceTypes.Pid, NamespaceTypes.Network, NamespaceTypes.Ipc, NamespaceTypes.Uts,
                NamespaceTypes.Mount, NamespaceTypes.Cgroup),
            MaskedPaths =
            [
                "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", "/sys/devices/virtual/powercap",
                "/sys/devices/virtual/tpm",
            ],
            ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
        },
    };

    /// <summary>
    /// The default config for an unprivileged caller, as runc's `spec --rootless` makes it: a user namespace
    /// mapping <paramref name="hostUid"/>/<paramref name="hostGid"/> to root, no network namespace (an
    /// unprivileged user could not connect it to anything), /sys bound from the host (sysfs cannot be mounted
    /// without owning the network namespace), and no uid=/gid= mount options (those ids are not mapped).
    /// </summary>
    public static Spec CreateRootless(uint hostUid, uint hostGid)
    {
        var spec = CreatePrivileged();
        var linux = spec.Linux!;
        linux.Namespaces = Namespaces(
            NamespaceTypes.Pid, NamespaceTypes.Ipc, NamespaceTypes.Uts, NamespaceTypes.Mount, NamespaceTypes.Cgroup,
            NamespaceTypes.User);
        linux.UidMappings = [new IdMapping { ContainerId = 0, HostId = hostUid, Size = 1 }];
        linux.GidMappings = [new IdMapping { ContainerId = 0, HostId = hostGid, Size = 1 }];
        spec.Mounts = spec.Mounts!.Select(ForRootless).ToList();
        return spec;
    }

    private static ProcessSpec DefaultProcess() => new()
    {
        Terminal = true, // runc's starter config: an interactive shell on a pty
        User = new UserSpec { Uid = 0, Gid = 0 },
        Args = ["sh"],
        Env = [ProcessPath, "TERM=xterm"],
        Cwd = "/",
        Capabilities = new CapabilitiesSpec
        {
            Bounding = [.. Capabilities],
            Effective = [.. Capabilities],
            Permitted = [.. Capabilities],
        },
        Rlimits = [new RlimitSpec { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 }],
        NoNewPrivileges = true,
    };

    private static List<MountSpec> DefaultMounts() =>
    [
        Mount("/proc", "proc", "proc"),
        Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
        Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
        Mount("/dev/shm", "tmpfs", "shm", [.. NoExecNoSuidNoDev, "mode=1777", "size=65536k"]),
        Mount("/dev/mqueue", "mqueue", "mqueue", NoExecNoSuidNoDev),
        Mount("/sys", "sysfs", "sysfs", [.. NoExecNoSuidNoDev, "ro"]),
        Mount("/sys/fs/cgroup", "cgroup", "cgroup", [.. NoExecNoSuidNoDev, "relatime", "ro"]),
    ];

    private static MountSpec ForRootless(MountSpec mount)
    {
        if (mount.Destination == "/sys")
        {
            return Mount("/sys", "none", "/sys", ["rbind", .. NoExecNoSuidNoDev, "ro"]);
        }
        mount.Options = mount.Options?
            .Where(o => !o.StartsWith("uid=", StringComparison.Ordinal) && !o.StartsWith("gid=", StringComparison.Ordinal))
            .ToList();
        return mount;
    }

    private static MountSpec Mount(string destination, string type, string source, params string[] options) => new()
    {
        Destination = destination,
        Type = type,
        Source = source,
        Options = options.Length == 0 ? null : [.. options],
    };

    private static List<NamespaceSpec> Namespaces(params string[] types) =>
        types.Select(type => new NamespaceSpec { Type = type }).ToList();
}
