namespace Jaula.Cgroups.DBus;

/// <summary>The peer sent bytes that are not a valid D-Bus message, or the connection broke.</summary>
public sealed class DBusProtocolException(string message, Exception? inner = null) : Exception(message, inner);
