using System.Globalization;
using Jaula.Oci;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// systemd socket activation passed through, as runc does: when jaula itself was handed LISTEN_FDS sockets (fds 3..),
/// they go on to the container's process ahead of --preserve-fds, and its environment says so with LISTEN_PID=1
/// (the process is its pid namespace's init).
/// </summary>
public static class SocketActivation
{
    /// <summary>How many activation fds jaula received: LISTEN_FDS, when LISTEN_PID names this process.</summary>
    public static int ReceivedFds()
    {
        string? count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        string? pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        if (count is null || !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0)
            return 0;
        return pid is null || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture) ? n : 0;
    }

    /// <summary>The options with the activation fds preserved too, and the process told about them.</summary>
    public static CreateOptions Apply(CreateOptions options, Spec spec)
    {
        int listen = ReceivedFds();
        if (listen == 0 || spec.Process is null)
            return options;
        var env = (spec.Process.Env ?? []).Where(e => !e.StartsWith("LISTEN_FDS=", StringComparison.Ordinal)
            && !e.StartsWith("LISTEN_PID=", StringComparison.Ordinal)).ToList();
        env.Add("LISTEN_FDS=" + listen.ToString(CultureInfo.InvariantCulture));
        env.Add("LISTEN_PID=1");
        spec.Process.Env = env;
        return options with { PreserveFds = options.PreserveFds + listen };
    }
}
