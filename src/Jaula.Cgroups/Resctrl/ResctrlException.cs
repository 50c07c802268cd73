namespace Jaula.Cgroups.Resctrl;

/// <summary>A resctrl operation failed; the message names the field (linux.intelRdt...), the path and the cause.</summary>
public sealed class ResctrlException(string message, Exception? inner = null) : Exception(message, inner);
