using System.Runtime.InteropServices;
using Jaula.IntegrationTests.Harness;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// An engine daemon (containerd, dockerd) started by the tests: up once its socket answers, stopped with SIGTERM (then
/// SIGKILL). Shims the daemon left behind are found by the temp dir in their command line and killed by pid.
/// </summary>
public sealed partial class Daemon : IDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private readonly RunningCommand _process;
    private readonly string _name;

    private Daemon(string name, RunningCommand process)
    {
        _name = name;
        _process = process;
    }

    /// <summary>Starts <paramref name="fileName"/> and waits until <paramref name="socket"/> exists.</summary>
    public static Daemon Start(string fileName, IReadOnlyList<string> args, string socket)
    {
        Reaper.EnsureSubreaper();
        var daemon = new Daemon(Path.GetFileName(fileName), RunningCommand.Start(fileName, args));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!File.Exists(socket))
        {
            if (ProcessInfo.Read(daemon._process.Pid) is null or { IsZombie: true } || DateTime.UtcNow > deadline)
            {
                string why = daemon.Stop();
                throw new InvalidOperationException($"{daemon._name} did not come up (no {socket}):{Environment.NewLine}{why}");
            }
            Thread.Sleep(100);
        }
        return daemon;
    }

    /// <summary>Stops the daemon and returns what it printed.</summary>
    public string Stop()
    {
        if (_process.IsDisposed)
        {
            return "";
        }
        _ = kill(_process.Pid, SigTerm);
        string output;
        try
        {
            output = _process.Wait(TimeSpan.FromSeconds(30)).ToString();
        }
        catch (TimeoutException e)
        {
            output = e.Message; // Wait killed it.
        }
        _process.Dispose();
        return output;
    }

    /// <summary>Kills every process whose command line mentions <paramref name="marker"/> (shims of our daemon).</summary>
    public static void KillProcessesMentioning(string marker)
    {
        foreach (ProcessInfo info in ProcessInfo.All())
        {
            if (info.Pid == Environment.ProcessId || info.IsZombie)
            {
                continue;
            }
            string cmdline;
            try
            {
                cmdline = File.ReadAllText($"/proc/{info.Pid}/cmdline");
            }
            catch (IOException)
            {
                continue;
            }
            if (cmdline.Contains(marker, StringComparison.Ordinal))
            {
                _ = kill(info.Pid, SigKill);
                Reaper.WaitUntilGone(info.Pid, TimeSpan.FromSeconds(5));
            }
        }
    }

    public void Dispose() => Stop();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
