using System.Globalization;
using Jaula.Oci;

namespace Jaula.Runtime.Checkpoint;

/// <summary>
/// The `criu dump` / `criu pre-dump` / `criu restore` command lines for jaula's flags, as runc sets criu's options
/// over RPC: images and work dir, the log (level 4) in the work dir, the rootfs as criu's root, the container's bind
/// mounts as external mounts (dump: keyed by destination; restore: destination mapped to the bundle's source),
/// namespaces joined by path as external (dump) and joined again (restore), and runc's flags one to one.
/// A container with its own terminal is dumped as a shell job: its pty's master is outside the tree (with the engine
/// behind the console socket), which criu accepts only for a shell job (runc's RPC says orphan-pts-master instead,
/// which the command line lacks); its /dev/console, a bind mount of that pty, is external too. Restore gives the
/// restored process a new terminal on criu's stdin (criu's shell-job way) and binds that terminal on /dev/console.
/// </summary>
public static class CriuArguments
{
    public const string DumpLog = "dump.log";
    public const string RestoreLog = "restore.log";

    /// <summary>The fd restore passes a joined network namespace on (Sys.Spawn's fd 3).</summary>
    public const int NetworkNamespaceFd = 3;

    /// <summary>The external mount key of a terminal container's /dev/console.</summary>
    public const string ConsoleMount = "/dev/console";

    private static readonly string[] CgroupModes = ["soft", "full", "strict", "ignore"];

    public static List<string> ForDump(CheckpointOptions o, int pid, string rootfs, Spec spec)
    {
        var args = new List<string>
        {
            o.PreDump ? "pre-dump" : "dump",
            "--tree", pid.ToString(CultureInfo.InvariantCulture),
            "--images-dir", o.ImagePath,
            "--work-dir", o.WorkPath ?? o.ImagePath,
            "--log-file", DumpLog, "-v4",
            "--root", rootfs,
        };
        if (o.ParentPath is not null)
            args.AddRange(["--prev-images-dir", o.ParentPath]);
        if (o.PreDump)
            args.Add("--track-mem");
        else if (o.ParentPath is not null)
            args.Add("--track-mem");
        if (o.LeaveRunning && !o.PreDump)
            args.Add("--leave-running");
        bool terminal = spec.Process?.Terminal == true;
        AddCommon(args, o.TcpEstablished, o.ExtUnixSk, o.ShellJob || terminal, o.FileLocks, o.ManageCgroupsMode, o.EmptyNs, o.AutoDedup);
        if (o.LazyPages)
            args.Add("--lazy-pages");
        if (o.StatusFd is { } fd)
            args.AddRange(["--status-fd", fd.ToString(CultureInfo.InvariantCulture)]);
        if (o.PageServer is { } server)
        {
            var (address, port) = PageServer(server);
            args.AddRange(["--page-server", "--address", address, "--port", port]);
        }
        foreach (var mount in BindMounts(spec))
            args.AddRange(["--ext-mount-map", $"{mount.Destination}:{mount.Destination}"]);
        if (terminal && !o.PreDump)
            args.AddRange(["--ext-mount-map", $"{ConsoleMount}:{ConsoleMount}"]);
        foreach (var ns in JoinedNetwork(spec))
            args.AddRange(["--external", $"net[{ns.Inode}]:extRootNetNS"]);
        return args;
    }

    /// <param name="console">The terminal the restored process gets on criu's stdin (its path, bound on /dev/console);
    /// null for a container without its own terminal.</param>
    /// <param name="stdio">descriptors.json's targets: each pipe is taken from restore's own fd of that number.</param>
    public static List<string> ForRestore(RestoreOptions o, string rootfs, string bundle, string pidFile, Spec spec, IReadOnlyList<string> cgroupRoots,
        string? console = null, IReadOnlyList<string>? stdio = null)
    {
        var args = new List<string>
        {
            "restore",
            "--images-dir", o.ImagePath,
            "--work-dir", o.WorkPath ?? o.ImagePath,
            "--log-file", RestoreLog, "-v4",
            "--root", rootfs,
            "--pidfile", pidFile,
            "--restore-detached",
        };
        AddCommon(args, o.TcpEstablished, o.ExtUnixSk, o.ShellJob || console is not null, o.FileLocks, o.ManageCgroupsMode, o.EmptyNs, o.AutoDedup);
        if (o.NoPivot)
            args.Add("--no-pivot");
        if (o.LazyPages)
            args.Add("--lazy-pages");
        if (o.LsmProfile is { } profile)
            args.AddRange(["--lsm-profile", profile]);
        if (o.LsmMountContext is { } context)
            args.AddRange(["--lsm-mount-context", context]);
        foreach (var mount in BindMounts(spec))
            args.AddRange(["--ext-mount-map", $"{mount.Destination}:{Path.GetFullPath(mount.Source!, bundle)}"]);
        if (console is not null)
            args.AddRange(["--ext-mount-map", $"{ConsoleMount}:{console}"]);
        foreach (var (fd, key) in StdioDescriptors.Pipes(stdio ?? []))
            args.AddRange(["--inherit-fd", $"fd[{fd}]:{key}"]);
        foreach (var ns in spec.Linux?.Namespaces ?? [])
        {
            if (string.IsNullOrEmpty(ns.Path))
                continue;
            // The dump recorded a joined network namespace as external; restore gets it back as an inherited fd.
            if (ns.Type == "network")
                args.AddRange(["--inherit-fd", $"fd[{NetworkNamespaceFd}]:extRootNetNS"]);
            else if (JoinNsName(ns.Type) is { } name)
                args.AddRange(["--join-ns", $"{name}:{ns.Path}"]);
            else
                throw JaulaException.ForField("linux.namespaces", $"criu cannot join a {ns.Type} namespace by path on restore (it joins ipc, uts, time and user)");
        }
        foreach (string root in cgroupRoots)
            args.AddRange(["--cgroup-root", root]);
        return args;
    }

    private static void AddCommon(List<string> args, bool tcp, bool extUnix, bool shellJob, bool fileLocks, string? cgroupMode,
        IReadOnlyList<string> emptyNs, bool autoDedup)
    {
        if (tcp)
            args.Add("--tcp-established");
        if (extUnix)
            args.Add("--ext-unix-sk");
        if (shellJob)
            args.Add("--shell-job");
        if (fileLocks)
            args.Add("--file-locks");
        if (autoDedup)
            args.Add("--auto-dedup");
        if (cgroupMode is null)
            args.Add("--manage-cgroups");
        else if (CgroupModes.Contains(cgroupMode))
            args.Add($"--manage-cgroups={cgroupMode}");
        else
            throw new JaulaException($"--manage-cgroups-mode: \"{cgroupMode}\" is not one of soft, full, strict, ignore");
        foreach (string ns in emptyNs)
        {
            // runc's --empty-ns: the namespace is made but its contents not restored; criu knows this for net only.
            if (ns != "network")
                throw new JaulaException($"--empty-ns: \"{ns}\": criu can leave only the network namespace empty");
            args.AddRange(["--empty-ns", "net"]);
        }
    }

    private static (string Address, string Port) PageServer(string value)
    {
        int colon = value.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out ushort port) || port == 0)
            throw new JaulaException($"--page-server: \"{value}\" is not ADDRESS:PORT");
        return (value[..colon], port.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Bind mounts come from the host: criu cannot dump them, it records them as external (runc does the same).</summary>
    private static IEnumerable<MountSpec> BindMounts(Spec spec) =>
        (spec.Mounts ?? []).Where(m => m.Source is not null
            && (m.Type == "bind" || (m.Options ?? []).Any(opt => opt is "bind" or "rbind")));

    private static IEnumerable<(string Path, ulong Inode)> JoinedNetwork(Spec spec)
    {
        foreach (var ns in spec.Linux?.Namespaces ?? [])
        {
            if (ns.Type == "network" && !string.IsNullOrEmpty(ns.Path) && Linux.Sys.TryStat(ns.Path, out var st))
                yield return (ns.Path, st.Ino);
        }
    }

    private static string? JoinNsName(string? type) => type switch
    {
        "ipc" => "ipc",
        "uts" => "uts",
        "user" => "user",
        "time" => "time",
        _ => null,
    };
}
