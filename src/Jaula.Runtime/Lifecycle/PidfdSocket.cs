using System.Text;
using Jaula.Linux;

namespace Jaula.Runtime.Lifecycle;

/// <summary>--pidfd-socket: a pidfd of the new process goes to the caller's AF_UNIX socket, in the console socket's form.</summary>
public static class PidfdSocket
{
    public static void Send(string socketPath, int pid)
    {
        try
        {
            using SafeFd pidfd = Sys.PidfdOpen(pid);
            Sys.SendFdToSocket(socketPath, Encoding.UTF8.GetBytes("pidfd"), pidfd);
        }
        catch (ErrnoException e)
        {
            throw new JaulaException($"--pidfd-socket {socketPath}: {e.Message}", e);
        }
    }
}
