namespace Jaula.Cgroups;

/// <summary>
/// A cgroup operation failed. The message names the file or field, the value and the cause, e.g.
/// "linux.resources.memory.limit: write \"16777216\" to /sys/fs/cgroup/memory/c1/memory.limit_in_bytes: Device or resource busy".
/// </summary>
public sealed class CgroupException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// The kernel refused for lack of permission (EACCES, EPERM, or a read-only mount): for a rootless caller this
    /// means the cgroup is not delegated to them, which is a reason to go on without a cgroup, not an error.
    /// </summary>
    public bool PermissionDenied =>
        InnerException is Linux.ErrnoException { Errno: Linux.Errno.EACCES or Linux.Errno.EPERM or Linux.Errno.EROFS };
}
