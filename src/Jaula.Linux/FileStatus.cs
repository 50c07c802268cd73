namespace Jaula.Linux;

/// <summary>The parts of stat(2) the runtime uses. <see cref="Mode"/> holds the S_IFMT type bits and the permissions.</summary>
public readonly record struct FileStatus(uint Mode, uint Uid, uint Gid, ulong Rdev, ulong Dev, ulong Ino, long Size)
{
    public const uint TypeMask = 0xF000; // S_IFMT
    public const uint Socket = 0xC000;
    public const uint Symlink = 0xA000;
    public const uint Regular = 0x8000;
    public const uint BlockDevice = 0x6000;
    public const uint Directory = 0x4000;
    public const uint CharDevice = 0x2000;
    public const uint Fifo = 0x1000;

    public uint Type => Mode & TypeMask;

    /// <summary>The permission bits with setuid, setgid and sticky (07777).</summary>
    public uint Permissions => Mode & 0xFFF;

    public bool IsDirectory => Type == Directory;
    public bool IsRegular => Type == Regular;
    public bool IsSymlink => Type == Symlink;
    public bool IsCharDevice => Type == CharDevice;
    public bool IsBlockDevice => Type == BlockDevice;
    public bool IsFifo => Type == Fifo;
    public bool IsSocket => Type == Socket;

    /// <summary>Major number of the device this node stands for (character and block devices).</summary>
    public uint RdevMajor => DeviceNumber.Major(Rdev);

    public uint RdevMinor => DeviceNumber.Minor(Rdev);
}
