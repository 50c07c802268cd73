using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Mounts;

namespace Jaula.Sandbox.Rootfs;

/// <summary>
/// Fills the container's /dev: the default devices of config-linux.md, linux.devices, and the usual symlinks.
/// mknod is refused in a user namespace, so there each device is a bind mount of the host's node instead.
/// </summary>
public static class DevicesBuilder
{
    private const uint S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFIFO = 0x1000;

    /// <summary>config-linux.md "Default Devices".</summary>
    public static readonly IReadOnlyList<DeviceSpec> Defaults =
    [
        Char("/dev/null", 1, 3), Char("/dev/zero", 1, 5), Char("/dev/full", 1, 7),
        Char("/dev/random", 1, 8), Char("/dev/urandom", 1, 9), Char("/dev/tty", 5, 0),
    ];

    private static DeviceSpec Char(string path, long major, long minor) =>
        new() { Type = "c", Path = path, Major = major, Minor = minor, FileMode = 0x1B6 /* 0666 */, Uid = 0, Gid = 0 };

    /// <summary>True unless /dev comes from a bind mount (then the host's nodes are already there).</summary>
    public static bool NeedsDefaults(IReadOnlyList<MountSpec>? mounts) =>
        !(mounts ?? []).Any(m => m.Destination.TrimEnd('/') == "/dev" && (m.Type == "bind" || MountOptions.Parse(m.Options).IsBind));

    public static void Create(MountContext context, IReadOnlyList<DeviceSpec>? configured, bool withDefaults, bool withPtmx)
    {
        if (withDefaults)
        {
            foreach (var device in Defaults)
            {
                if (configured?.Any(d => d.Path == device.Path) != true)
                    CreateOne(context, device, "/dev");
            }
            CreateSymlinks(context, withPtmx);
        }
        for (int i = 0; i < (configured?.Count ?? 0); i++)
            CreateOne(context, configured![i], $"linux.devices[{i}]");
    }

    private static void CreateOne(MountContext context, DeviceSpec device, string field)
    {
        try
        {
            if (context.InUserNamespace)
                BindFromHost(context, device);
            else
                MakeNode(context, device);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException(field, $"device {device.Path}: {e.Message}", e);
        }
    }

    private static void MakeNode(MountContext context, DeviceSpec device)
    {
        uint kind = device.Type switch
        {
            "c" or "u" => S_IFCHR,
            "b" => S_IFBLK,
            "p" => S_IFIFO,
            _ => throw new ErrnoException("mknod", $"{device.Path} (unknown type \"{device.Type}\"; use c, b, u or p)", Errno.EINVAL),
        };
        uint mode = (device.FileMode ?? 0x1B6) & 0xFFF;
        using var dir = SecurePath.MkdirAll(context.RootFd, Path.GetDirectoryName(device.Path) ?? "/dev");
        string path = $"{SecurePath.ProcPath(dir)}/{Path.GetFileName(device.Path)}";
        if (Sys.TryLstat(path, out _))
            Sys.Unlink(path); // an image may ship placeholder nodes; the configured device wins
        ulong dev = kind == S_IFIFO ? 0 : Sys.Makedev((uint)(device.Major ?? 0), (uint)(device.Minor ?? 0));
        Sys.Mknod(path, kind | mode, dev);
        Sys.Lchown(path, device.Uid ?? 0, device.Gid ?? 0);
        Sys.Chmod(path, mode); // mknod applies the umask
    }

    private static void BindFromHost(MountContext context, DeviceSpec device)
    {
        using var target = SecurePath.OpenOrCreateFile(context.RootFd, device.Path);
        Sys.Mount(device.Path, SecurePath.ProcPath(target), null, MountFlags.Bind, null);
    }

    private static void CreateSymlinks(MountContext context, bool withPtmx)
    {
        using var dev = SecurePath.MkdirAll(context.RootFd, "/dev");
        string dir = SecurePath.ProcPath(dev);
        var links = new List<(string Target, string Name)>
        {
            ("/proc/self/fd", "fd"), ("/proc/self/fd/0", "stdin"), ("/proc/self/fd/1", "stdout"), ("/proc/self/fd/2", "stderr"),
        };
        if (File.Exists("/proc/kcore"))
            links.Add(("/proc/kcore", "core"));
        if (withPtmx)
            links.Add(("pts/ptmx", "ptmx"));
        foreach (var (target, name) in links)
        {
            string link = $"{dir}/{name}";
            if (Sys.TryLstat(link, out _))
                Sys.Unlink(link);
            Sys.Symlink(target, link);
        }
    }
}
