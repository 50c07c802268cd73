using System.Runtime.InteropServices;

namespace Jaula.Linux;

/// <summary>setns(2) and unshare(2), with <see cref="CloneFlags"/> values.</summary>
public static partial class Sys
{
    private static partial class Libc
    {
        [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
        internal static partial int SetNs(SafeFd fd, int nsType);

        [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
        internal static partial int Unshare(int flags);
    }

    /// <summary>
    /// setns(2) into the namespace <paramref name="fd"/> refers to; <paramref name="nsType"/> 0 accepts any type.
    /// Joining a user or mount namespace is refused to a multithreaded process, which every .NET process is: do those
    /// before the runtime starts (the C stage).
    /// </summary>
    public static void SetNs(SafeFd fd, int nsType) => ThrowIfFailed(Libc.SetNs(fd, nsType), "setns");

    /// <summary>unshare(2). The same multithreading limit as <see cref="SetNs"/> applies to CLONE_NEWUSER.</summary>
    public static void Unshare(int flags) => ThrowIfFailed(Libc.Unshare(flags), "unshare");
}
