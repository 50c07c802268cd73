namespace Jaula.Runtime.Hooks;

/// <summary>
/// A hook failed (exit status, signal, timeout, or it could not be started). The message names the hook's field
/// (e.g. hooks.prestart[0]), its path, why it failed and what it wrote to stderr.
/// </summary>
public sealed class HookFailedException(string message, Exception? inner = null) : JaulaException(message, inner);
