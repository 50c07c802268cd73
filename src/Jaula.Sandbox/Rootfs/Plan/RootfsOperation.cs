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
    // The process's settings (ProcessPlanCompiler); native/rootfs_plan.h says which fields each uses.
    Setsid = 16,
    Hostname = 17,
    Domainname = 18,
    RequireProcfs = 19,
    ProcWrite = 20,
    Keyring = 21,
    Rlimit = 22,
    CapBoundingDrop = 23,
    Chdir = 24,
    Umask = 25,
    Console = 26,
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
    Tolerate = 0x100,
    Warn = 0x200,
    ProcSelf = 0x400,
    ConsoleSize = 0x800,
}

/// <summary>Why the C executor hands control back (JAULA_PAUSE_*).</summary>
public enum RootfsPause : uint
{
    None = 0,
    CopyUp = 1,
    BeforePivot = 2,
    AfterPivot = 3,
    Process = 4,
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
    Hostname = 11,
    Domainname = 12,
    Sysctl = 13,
    SysctlMap = 14,
    OomScoreAdj = 15,
    Rlimits = 16,
    CapabilitiesBounding = 17,
    SessionKeyring = 18,
    Umask = 19,
    Session = 20,
    Terminal = 21,
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

    /// <summary>The u32 arg of the other kinds: the resource of an Rlimit, the capability of a CapBoundingDrop.</summary>
    /// <remarks>A Console's window size rides in <see cref="Uid"/> (rows) and <see cref="Gid"/> (cols).</remarks>
    public uint Arg { get; init; }
    public string? Path { get; init; }
    public string? Source { get; init; }
    public string? FsType { get; init; }
    public string? Data { get; init; }

    /// <summary>The sysctl key of a <see cref="RootfsField.Sysctl"/> operation (not encoded: it names the field).</summary>
    public string? FieldKey { get; init; }

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
        RootfsField.Hostname => "hostname",
        RootfsField.Domainname => "domainname",
        RootfsField.Sysctl => $"linux.sysctl[\"{FieldKey}\"]",
        RootfsField.SysctlMap => "linux.sysctl",
        RootfsField.OomScoreAdj => "process.oomScoreAdj",
        RootfsField.Rlimits => $"process.rlimits[{FieldIndex}]",
        RootfsField.CapabilitiesBounding => "process.capabilities.bounding",
        RootfsField.Umask => "process.user.umask",
        RootfsField.Terminal => "process.terminal",
        _ => null, // SessionKeyring, Session: no config field
    };

    /// <summary>The errnos a <see cref="RootfsOpFlags.Tolerate"/> operation lets pass: AttrSet holds 0-63, AttrClear 64-127.</summary>
    public static (MountAttr Low, MountAttr High) ErrnoSet(params int[] errnos)
    {
        ulong low = 0, high = 0;
        foreach (int e in errnos)
        {
            if (e is < 0 or > 127)
                throw new ArgumentOutOfRangeException(nameof(errnos), e, "an errno the set holds is 0-127");
            if (e < 64)
                low |= 1UL << e;
            else
                high |= 1UL << (e - 64);
        }
        return ((MountAttr)low, (MountAttr)high);
    }

    /// <summary>The errnos of a Tolerate operation's set.</summary>
    public IEnumerable<int> ToleratedErrnos()
    {
        for (int e = 0; e < 128; e++)
        {
            ulong bits = e < 64 ? (ulong)AttrSet : (ulong)AttrClear;
            if (((bits >> (e & 63)) & 1) != 0)
                yield return e;
        }
    }

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
        if (Kind == RootfsOpKind.Rlimit)
            b.Append($" resource={Arg} soft={(ulong)MountFlags} hard={Dev}");
        else if (Kind is RootfsOpKind.CapBoundingDrop)
            b.Append(" cap=").Append(Arg);
        else if (Kind is RootfsOpKind.Console && (Flags & RootfsOpFlags.ConsoleSize) != 0)
            b.Append($" size={Uid}x{Gid}");
        else if (Kind is RootfsOpKind.Umask)
            b.Append(" mode=").Append(Convert.ToString(Mode, 8).PadLeft(4, '0'));
        if (Kind is RootfsOpKind.ProcWrite)
            b.Append(" value=").Append(Data);
        if ((Flags & RootfsOpFlags.Tolerate) != 0)
            b.Append(" errnos=").Append(string.Join(',', ToleratedErrnos().Select(Errno.Name)));
        if (MountFlags != MountFlags.None && Kind < RootfsOpKind.Setsid) // a process operation's values are shown above
            b.Append(" flags=").Append(MountFlags.ToString().Replace(", ", "|", StringComparison.Ordinal));
        if (Data is not null && Kind < RootfsOpKind.Setsid)
            b.Append(" data=").Append(Data);
        if ((AttrSet != MountAttr.None || AttrClear != MountAttr.None) && Kind < RootfsOpKind.Setsid)
            b.Append($" attr=+{(ulong)AttrSet:x}-{(ulong)AttrClear:x}");
        if (Kind == RootfsOpKind.Mknod)
            b.Append($" mode={Mode:x} dev={Dev:x} owner={Uid}:{Gid}");
        if (Fd >= 0)
            b.Append(" fd=").Append(Fd);
        if (Skip != 0)
            b.Append(" skip=").Append(Skip);
        if (Kind == RootfsOpKind.Pause)
            b.Append(' ').Append(Pause);
        if (FieldName is { } field)
            b.Append(" [").Append(field).Append(']');
        return b.ToString();
    }
}
