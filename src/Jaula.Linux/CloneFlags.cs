namespace Jaula.Linux;

/// <summary>CLONE_NEW* flags, as taken by clone3, unshare(2) and setns(2).</summary>
public static class CloneFlags
{
    public const int NewTime = 0x80;
    public const int NewNs = 0x20000;

    /// <summary>CLONE_FS: unshared by one thread, it may then join a mount namespace alone (see ExecProgram).</summary>
    public const int Fs = 0x200;
    public const int NewCgroup = 0x02000000;
    public const int NewUts = 0x04000000;
    public const int NewIpc = 0x08000000;
    public const int NewUser = 0x10000000;
    public const int NewPid = 0x20000000;
    public const int NewNet = 0x40000000;
}
