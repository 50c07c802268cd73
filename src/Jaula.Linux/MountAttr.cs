namespace Jaula.Linux;

/// <summary>mount_setattr(2) MOUNT_ATTR_* values.</summary>
[Flags]
public enum MountAttr : ulong
{
    None = 0,
    ReadOnly = 0x1,
    NoSuid = 0x2,
    NoDev = 0x4,
    NoExec = 0x8,

    /// <summary>
    /// The atime settings are an enum inside <see cref="AtimeMask"/>, not bits: to change it, put the new value in
    /// attr_set and the whole mask in attr_clr. RelAtime is the value 0.
    /// </summary>
    RelAtime = 0,
    NoAtime = 0x10,
    StrictAtime = 0x20,
    AtimeMask = 0x70,
    NoDirAtime = 0x80,
    Idmap = 0x100000,
    NoSymFollow = 0x200000,
}
