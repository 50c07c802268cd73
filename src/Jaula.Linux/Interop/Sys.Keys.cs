namespace Jaula.Linux;

public static partial class Sys
{
    private const long KEYCTL_JOIN_SESSION_KEYRING = 1;

    /// <summary>
    /// keyctl(KEYCTL_JOIN_SESSION_KEYRING, name): a new session keyring, so containers do not share the caller's keys.
    /// </summary>
    public static unsafe void JoinSessionKeyring(string name)
    {
        fixed (byte* p = CString(name))
            ThrowIfFailed(Syscall(SyscallNumber.Keyctl, (nint)KEYCTL_JOIN_SESSION_KEYRING, (nint)p), "keyctl(JOIN_SESSION_KEYRING)", name);
    }
}
