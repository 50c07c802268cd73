using System.Text;
using Jaula.Linux;

namespace Jaula.Sandbox.Rootfs.Plan;

/// <summary>What a rootfs operation does (native/rootfs_plan.h, enum jaula_rootfs_kind).</summary>
public enum RootfsOpKind : uint
{
    MountHost = 1,
    Root = 2,
    Mount = 3,
    MoveMount = 4,
    SetAttr = 5,
    Mknod = 6,
    Symlink = 7,
    Mkdir = 8,
    Pivot = 9,
    MoveChroot = 10,
    Chroot = 11,
    OpenNull = 12,
    Mask = 13,
    Readonly = 14,
    Pause = 15,
}

/// <summary>JAULA_OPF_*: how an in-root path is reached and what else a mount does.</summary>
[Flags]
public enum RootfsOpFlags : uint
{
    None = 0,
    ResolveExisting = 0x1,
    ResolveMkdir = 0x2,
    ResolveFile = 0x4,
    NotSymlink = 0x8,
    KeepLocked = 0x10,
    SourceSelf = 0x20,
    AltOnEperm = 0x40,
    CopyUp = 0x80,
}

/// <summary>Why the C executor hands control back (JAULA_PAUSE_*).</summary>
public enum RootfsPause : uint
{
    None = 0,
    CopyUp = 1,
    BeforePivot = 2,
    AfterPivot = 3,
}

/// <summary>The config field an operation comes from; with the index it names it ("mounts[3]").</summary>
public enum RootfsField : uint
{
    None = 0,
    RootPath = 1,
    RootfsPropagation = 2,
    Mounts = 3,
    Devices = 4,
    DefaultDevices = 5,
    Cwd = 6,
    MaskedPaths = 7,
    ReadonlyPaths = 8,
    RootReadonly = 9,
    MaskedPathsList = 10,
}

/// <summary>
/// One operation of the rootfs plan. Everything but <see cref="Context"/> and <see cref="Hints"/> is encoded; those
/// two stay in C# to word the error when the operation fails.
/// </summary>
public sealed record RootfsOperation
{
    public required RootfsOpKind Kind { get; init; }
    public RootfsOpFlags Flags { get; init; }
    public RootfsField Field { get; init; }
    public uint FieldIndex { get; init; }
    public MountFlags MountFlags { get; init; }
    public MountAttr AttrSet { get; init; }
    public MountAttr AttrClear { get; init; }
    public ulong Dev { get; init; }
    public uint Mode { get; init; }
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    public int Fd { get; init; } = -1;
    public uint Skip { get; init; }
    public RootfsPause Pause { get; init; }
    public string? Path { get; init; }
    public string? Source { get; init; }
    public string? FsType { get; init; }
    public string? Data { get; init; }

    /// <summary>What the user reads before the system call's error: "mount proc on /proc (type proc)".</summary>
    public string? Context { get; init; }

    /// <summary>Extra advice for one errno (e.g. EACCES binding the rootfs in a user namespace).</summary>
    public IReadOnlyDictionary<int, string>? Hints { get; init; }

    /// <summary>"mounts[3]", "linux.maskedPaths", or null.</summary>
    public string? FieldName => Field switch
    {
        RootfsField.None => null,
        RootfsField.RootPath => "root.path",
        RootfsField.RootfsPropagation => "linux.rootfsPropagation",
        RootfsField.Mounts => $"mounts[{FieldIndex}]",
        RootfsField.Devices => $"linux.devices[{FieldIndex}]",
        RootfsField.DefaultDevices => "/dev",
        RootfsField.Cwd => "process.cwd",
        RootfsField.MaskedPaths => $"linux.maskedPaths[{FieldIndex}]",
        RootfsField.ReadonlyPaths => $"linux.readonlyPaths[{FieldIndex}]",
        RootfsField.RootReadonly => "root.readonly",
        RootfsField.MaskedPathsList => "linux.maskedPaths",
        _ => null,
    };

    /// <summary>One readable line, for tests and --debug: "Mount mkdir /proc source=proc type=proc flags=... [mounts[0]]".</summary>
    public override string ToString()
    {
        var b = new StringBuilder(Kind.ToString());
        if (Flags != RootfsOpFlags.None)
            b.Append(' ').Append(Flags.ToString().Replace(", ", "|", StringComparison.Ordinal));
        if (Path is not null)
            b.Append(' ').Append(Path);
        if (Source is not null)
            b.Append(" source=").Append(Source);
        if (FsType is not null)
            b.Append(" type=").Append(FsType);
        if (MountFlags != MountFlags.None)
            b.Append(" flags=").Append(MountFlags.ToString().Replace(", ", "|", StringComparison.Ordinal));
        if (Data is not null)
            b.Append(" data=").Append(Data);
        if (AttrSet != MountAttr.None || AttrClear != MountAttr.None)
            b.Append($" attr=+{(ulong)AttrSet:x}-{(ulong)AttrClear:x}");
        if (Kind == RootfsOpKind.Mknod)
            b.Append($" mode={Mode:x} dev={Dev:x} owner={Uid}:{Gid}");
        if (Fd >= 0)
            b.Append(" fd=").Append(Fd);
        if (Skip != 0)
            b.Append(" skip=").Append(Skip);
        if (Pause != RootfsPause.None)
            b.Append(' ').Append(Pause);
        if (FieldName is { } field)
            b.Append(" [").Append(field).Append(']');
        return b.ToString();
    }
}
