using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// The test process acts as an engine does: a child subreaper, so a detached container's init becomes its child when
/// the runtime exits, and it reaps what it adopts. .NET only reaps the processes it started itself, so those are
/// tracked and left alone.
/// </summary>
public static partial class Reaper
{
    private const int PrSetChildSubreaper = 36;
    private const int WNoHang = 1;

    private static readonly ConcurrentDictionary<int, bool> s_ownChildren = new();
    private static readonly Lazy<bool> s_subreaper = new(BecomeSubreaper);

    /// <summary>Held while starting a process and while reaping, so a fresh own child is never mistaken for an orphan.</summary>
    public static object StartLock { get; } = new();

    public static void EnsureSubreaper() => _ = s_subreaper.Value;

    public static void TrackOwnChild(int pid) => s_ownChildren[pid] = true;

    /// <summary>
    /// Process.Start for a test's own helper process (sleep, sh, criu check): tracked, so the adopted-zombie reaper
    /// never reaps it before .NET does (.NET then fails fast with "Error while reaping child. errno = 10").
    /// </summary>
    public static System.Diagnostics.Process StartOwn(System.Diagnostics.ProcessStartInfo startInfo)
    {
        lock (StartLock)
        {
            var process = System.Diagnostics.Process.Start(startInfo)
                ?? throw new InvalidOperationException($"{startInfo.FileName} did not start");
            TrackOwnChild(process.Id);
            return process;
        }
    }

    public static void ForgetOwnChild(int pid) => s_ownChildren.TryRemove(pid, out _);

    /// <summary>Waits until <paramref name="pid"/> has exited, reaping it if it became ours; false if it is still alive.</summary>
    public static bool WaitUntilGone(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ProcessInfo? info = ProcessInfo.Read(pid);
            if (info is null)
            {
                return true;
            }
            if (info.IsZombie)
            {
                // Dead; if it became ours, reap it so no zombie is left behind.
                if (info.ParentPid == Environment.ProcessId)
                {
                    ReapAdoptedZombies();
                }
                return true;
            }
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>Reaps every exited child this process adopted (never one that .NET started).</summary>
    public static void ReapAdoptedZombies()
    {
        lock (StartLock)
        {
            foreach (ProcessInfo info in ProcessInfo.All())
            {
                if (info.IsZombie && info.ParentPid == Environment.ProcessId && !s_ownChildren.ContainsKey(info.Pid))
                {
                    _ = waitpid(info.Pid, out _, WNoHang);
                }
            }
        }
    }

    private static bool BecomeSubreaper()
    {
        if (prctl(PrSetChildSubreaper, 1, 0, 0, 0) != 0)
        {
            throw new InvalidOperationException($"prctl(PR_SET_CHILD_SUBREAPER) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        // An engine reaps as orphans die (a shim on SIGCHLD). It matters: a pid namespace's init cannot finish dying
        // while a zombie of that namespace waits for a parent outside it, such as a detached exec's process adopted here.
        new Thread(() =>
        {
            while (true)
            {
                ReapAdoptedZombies();
                Thread.Sleep(50);
            }
        }) { IsBackground = true, Name = "adopted zombie reaper" }.Start();
        return true;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, out int status, int options);
}
