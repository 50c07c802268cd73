using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>runc's rules for where a container's pty master goes: a console socket, or a foreground `run`.</summary>
public static class TerminalRules
{
    public static void Check(Spec spec, CreateOptions options)
    {
        bool terminal = spec.Process?.Terminal == true;
        if (terminal && options.ConsoleSocket is null && !options.Foreground)
            throw JaulaException.ForField("process.terminal",
                "a terminal needs --console-socket to hand the pty to (or `run` in the foreground); set it to false for plain stdio");
        if (!terminal && options.ConsoleSocket is not null)
            throw new JaulaException("--console-socket is only for a process with a terminal (set process.terminal to true)");
    }
}
