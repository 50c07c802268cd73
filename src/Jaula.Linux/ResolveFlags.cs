namespace Jaula.Linux;

/// <summary>openat2(2) RESOLVE_* flags: how the kernel may walk the path.</summary>
[Flags]
public enum ResolveFlags : ulong
{
    None = 0,
    NoXdev = 0x01,
    NoMagicLinks = 0x02,
    NoSymlinks = 0x04,
    Beneath = 0x08,

    /// <summary>Resolve as if the directory fd were "/": "..", absolute symlinks and all stay inside it.</summary>
    InRoot = 0x10,
    Cached = 0x20,
}
