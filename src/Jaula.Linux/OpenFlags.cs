namespace Jaula.Linux;

/// <summary>open(2) flags, x86_64 values.</summary>
[Flags]
public enum OpenFlags
{
    ReadOnly = 0,
    WriteOnly = 1,
    ReadWrite = 2,
    Create = 0x40,
    Exclusive = 0x80,
    NoCtty = 0x100,
    Truncate = 0x200,
    Append = 0x400,
    NonBlock = 0x800,
    Directory = 0x10000,
    NoFollow = 0x20000,
    CloExec = 0x80000,
    Path = 0x200000,
}
