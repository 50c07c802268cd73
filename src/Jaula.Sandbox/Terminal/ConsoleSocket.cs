using System.Text;
using Jaula.Linux;

namespace Jaula.Sandbox.Terminal;

/// <summary>
/// --console-socket: the pty master goes to the engine's AF_UNIX socket as ONE message whose data is a name and which
/// carries exactly one SCM_RIGHTS descriptor (the form go-runc's console receiver insists on).
/// </summary>
public static class ConsoleSocket
{
    public static void SendMaster(string socketPath, SafeFd master)
    {
        try
        {
            Sys.SendFdToSocket(socketPath, Encoding.UTF8.GetBytes("/dev/ptmx"), master);
        }
        catch (ErrnoException e)
        {
            throw new ContainerSetupException("--console-socket", $"{socketPath}: {e.Message}", e);
        }
    }
}
