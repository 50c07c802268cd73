using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox.Mounts;

namespace Jaula.Sandbox.Rootfs.Plan;

/// <summary>
/// The container's /dev as rootfs operations: the default devices of config-linux.md, linux.devices, and the usual
/// symlinks. mknod is refused in a user namespace, so there each device is a bind mount of the host's node instead.
/// </summary>
public static class DeviceCompiler
{
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

    public static void Compile(IReadOnlyList<DeviceSpec>? configured, bool withDefaults, bool withPtmx, RootfsPlanInput input,
        List<RootfsOperation> ops)
    {
        if (withDefaults)
        {
            foreach (var device in Defaults)
            {
                if (configured?.Any(d => d.Path == device.Path) != true)
                    ops.Add(Device(device, input, RootfsField.DefaultDevices, 0, "/dev"));
            }
            var links = new List<(string Target, string Name)>
            {
                ("/proc/self/fd", "fd"), ("/proc/self/fd/0", "stdin"), ("/proc/self/fd/1", "stdout"), ("/proc/self/fd/2", "stderr"),
            };
            if (input.HasKcore)
                links.Add(("/proc/kcore", "core"));
            if (withPtmx)
                links.Add(("pts/ptmx", "ptmx"));
            foreach (var (target, name) in links)
                ops.Add(new() { Kind = RootfsOpKind.Symlink, Path = $"/dev/{name}", Source = target, Field = RootfsField.DefaultDevices, Context = $"symlink /dev/{name}" });
        }
        for (int i = 0; i < (configured?.Count ?? 0); i++)
            ops.Add(Device(configured![i], input, RootfsField.Devices, (uint)i, $"linux.devices[{i}]"));
    }

    private static RootfsOperation Device(DeviceSpec device, RootfsPlanInput input, RootfsField field, uint index, string fieldName)
    {
        string context = $"device {device.Path}";
        if (input.InUserNamespace)
        {
            return new()
            {
                Kind = RootfsOpKind.Mount, Flags = RootfsOpFlags.ResolveFile, Path = device.Path, Source = device.Path,
                MountFlags = MountFlags.Bind, Field = field, FieldIndex = index, Context = context,
            };
        }
        uint kind = device.FileTypeBits is var bits and not 0 ? bits : UnknownType(fieldName, context, device);
        uint mode = (device.FileMode ?? 0x1B6) & 0xFFF;
        return new()
        {
            Kind = RootfsOpKind.Mknod,
            Path = device.Path,
            Mode = kind | mode,
            Dev = kind == FileStatus.Fifo ? 0 : Sys.Makedev((uint)(device.Major ?? 0), (uint)(device.Minor ?? 0)),
            Uid = device.Uid ?? 0,
            Gid = device.Gid ?? 0,
            Field = field,
            FieldIndex = index,
            Context = context,
        };
    }

    /// <summary>A device type the kernel cannot make; the errno (EINVAL) travels as the inner exception.</summary>
    private static uint UnknownType(string fieldName, string context, DeviceSpec device)
    {
        var cause = new ErrnoException("mknod", $"{device.Path} (unknown type \"{device.Type}\"; use c, b, u or p)", Errno.EINVAL);
        throw new ContainerSetupException(fieldName, $"{context}: {cause.Message}", cause);
    }
}
