namespace Jaula.Cgroups;

/// <summary>
/// A cgroup operation failed. The message names the file or field, the value and the cause, e.g.
/// "linux.resources.memory.limit: write \"16777216\" to /sys/fs/cgroup/memory/c1/memory.limit_in_bytes: Device or resource busy".
/// </summary>
public sealed class CgroupException(string message, Exception? inner = null) : Exception(message, inner);
