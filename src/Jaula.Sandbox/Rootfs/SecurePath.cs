using Jaula.Linux;

namespace Jaula.Sandbox.Rootfs;

/// <summary>
/// Opens paths inside the rootfs as if it were "/": openat2(RESOLVE_IN_ROOT) clamps every symlink (absolute or
/// "../..") to the rootfs, so a hostile image cannot send a mount or a device node onto the host. Mounts then target
/// the opened fd through /proc/self/fd, never a path that could be swapped underneath us.
/// </summary>
public static class SecurePath
{
    private const ResolveFlags InRoot = ResolveFlags.InRoot | ResolveFlags.NoMagicLinks;
    private const OpenFlags PathFlags = OpenFlags.Path | OpenFlags.CloExec;

    /// <summary>The magic link through which syscalls taking a path reach exactly the opened file.</summary>
    public static string ProcPath(SafeFd fd) => $"/proc/self/fd/{fd.Value}";

    /// <summary>A path relative to the rootfs: "/a/b/" becomes "a/b", "/" becomes ".".</summary>
    public static string Relative(string containerPath)
    {
        string trimmed = containerPath.Trim('/');
        return trimmed.Length == 0 ? "." : trimmed;
    }

    /// <summary>Opens an existing file or directory (O_PATH), or returns null when it does not exist.</summary>
    public static SafeFd? TryOpen(SafeFd root, string containerPath)
    {
        int errno = Sys.TryOpenAt2(root, Relative(containerPath), PathFlags, InRoot, 0, out var fd);
        if (errno == 0)
            return fd;
        if (errno is Errno.ENOENT)
            return null;
        throw new ErrnoException("openat2", containerPath, errno);
    }

    /// <summary>
    /// True when the last component of <paramref name="containerPath"/> is itself a symlink (its parents resolved
    /// inside the root); false when it is not or does not exist.
    /// </summary>
    public static bool IsSymlink(SafeFd root, string containerPath)
    {
        int errno = Sys.TryOpenAt2(root, Relative(containerPath), PathFlags | OpenFlags.NoFollow, InRoot, 0, out var fd);
        if (errno == Errno.ENOENT)
            return false;
        if (errno != 0)
            throw new ErrnoException("openat2", containerPath, errno);
        using (fd)
            return Sys.Fstat(fd).IsSymlink;
    }

    /// <summary>Opens a directory, creating it and its missing parents with <paramref name="mode"/>.</summary>
    public static SafeFd MkdirAll(SafeFd root, string containerPath, uint mode = 0x1ED /* 0755 */)
    {
        string[] parts = Relative(containerPath).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = Sys.OpenAt2(root, ".", PathFlags | OpenFlags.Directory, InRoot);
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i] == ".")
                continue;
            string prefix = string.Join('/', parts, 0, i + 1);
            int errno = Sys.TryOpenAt2(root, prefix, PathFlags | OpenFlags.Directory, InRoot, 0, out var next);
            if (errno == Errno.ENOENT)
            {
                // current is the resolved parent, so mkdirat places the new directory inside the rootfs.
                try
                {
                    Sys.MkdirAt(current, parts[i], mode);
                }
                catch (ErrnoException e) when (e.Errno == Errno.EEXIST) { }
                errno = Sys.TryOpenAt2(root, prefix, PathFlags | OpenFlags.Directory, InRoot, 0, out next);
                if (errno == Errno.ENOENT)
                {
                    current.Dispose();
                    throw new ErrnoException("openat2", $"/{prefix} (a symlink to a missing directory; it resolves inside the rootfs, not on the host)", errno);
                }
                if (errno != 0)
                {
                    current.Dispose();
                    throw new ErrnoException("openat2", "/" + prefix, errno);
                }
            }
            else if (errno != 0)
            {
                current.Dispose();
                throw new ErrnoException("openat2", "/" + prefix, errno);
            }
            current.Dispose();
            current = next;
        }
        return current;
    }

    /// <summary>Opens a non-directory (O_PATH), creating an empty regular file when missing: a bind target for a file.</summary>
    public static SafeFd OpenOrCreateFile(SafeFd root, string containerPath)
    {
        if (TryOpen(root, containerPath) is { } existing)
            return existing;
        string dir = Path.GetDirectoryName(containerPath.TrimEnd('/')) ?? "/";
        using (MkdirAll(root, dir)) { }
        var created = Sys.OpenAt2(root, Relative(containerPath),
            OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.CloExec | OpenFlags.NoCtty, InRoot, 0x1A4 /* 0644 */);
        created.Dispose();
        return Sys.OpenAt2(root, Relative(containerPath), PathFlags, InRoot);
    }
}
