namespace Jaula.Cgroups.Systemd;

/// <summary>The connection to systemd failed, broke, or stayed silent past the call timeout (a retry may help).</summary>
public sealed class SystemdBusException(string message, Exception? inner = null) : Exception(message, inner);
