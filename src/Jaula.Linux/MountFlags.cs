namespace Jaula.Linux;

/// <summary>mount(2) MS_* flags.</summary>
[Flags]
public enum MountFlags : ulong
{
    None = 0,
    ReadOnly = 1,
    NoSuid = 2,
    NoDev = 4,
    NoExec = 8,
    Synchronous = 16,
    Remount = 32,
    Mandlock = 64,
    DirSync = 128,
    NoSymFollow = 256,
    NoAtime = 1024,
    NoDirAtime = 2048,
    Bind = 4096,
    Move = 8192,
    Rec = 16384,
    Silent = 32768,
    PosixAcl = 1 << 16,
    Unbindable = 1 << 17,
    Private = 1 << 18,
    Slave = 1 << 19,
    Shared = 1 << 20,
    RelAtime = 1 << 21,
    StrictAtime = 1 << 24,
    LazyTime = 1 << 25,
}
