using Jaula.Linux;

namespace Jaula.Runtime.Checkpoint;

/// <summary>
/// Runs the `criu` command (as LXC does) rather than criu's RPC (`criu swrk`, protobuf, as runc does): the command
/// line carries every option jaula needs, and it spares a protobuf codec and a notify-callback loop in the runtime.
/// criu's stdout and stderr are jaula's, its stdin /dev/null unless the caller gives the terminal a shell job is
/// restored on; its log goes to the work dir, and every failure names that log and quotes criu's own first error line.
/// </summary>
public static class CriuRunner
{
    private static readonly string[] SearchPath = ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/bin"];

    /// <summary>criu on PATH or in the sbin directories an engine's trimmed PATH may miss; null when absent.</summary>
    public static string? Find()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SearchPath);
        return dirs.Select(d => Path.Combine(d, "criu")).FirstOrDefault(File.Exists);
    }

    public static string RequireCriu() => Find()
        ?? throw new JaulaException("criu is not installed (apt-get install criu), so checkpoint and restore cannot work here; check with `criu check`");

    /// <summary>Runs criu and waits; a non-zero exit becomes one line with criu's reason and the log's path.</summary>
    public static void Run(string criu, IReadOnlyList<string> args, string logPath)
    {
        using var keeper = Start(criu, args);
        Wait(keeper, args, logPath);
        keeper.Release(); // as without a keeper, whatever a successful criu left running is not ours to end
    }

    /// <summary>
    /// Starts criu under the keeper (native/criu_keeper.h): criu and whatever it leaves (a restored tree) die with this
    /// process, or when the keeper is disposed, until <see cref="CriuKeeper.Release"/> hands them over.
    /// </summary>
    /// <param name="fd3">criu's fd 3 (a joined network namespace), or null.</param>
    /// <param name="stdin">criu's stdin (a restored shell job's terminal); /dev/null when null.</param>
    /// <param name="hold">Kept open by the keeper until it exits (the container's lock), or null.</param>
    /// <param name="beforeGo">Called with the keeper's pid before it forks criu (the systemd driver starts the
    /// container's unit with it, so criu and the restored tree are born in the unit's cgroup).</param>
    public static CriuKeeper Start(string criu, IReadOnlyList<string> args, SafeFd? fd3 = null, SafeFd? stdin = null, SafeFd? hold = null,
        Action<int>? beforeGo = null)
    {
        CriuKeeper keeper;
        using (var devNull = Sys.Open("/dev/null", OpenFlags.ReadOnly | OpenFlags.CloExec))
        {
            keeper = CriuKeeper.Start(new SpawnRequest
            {
                Path = criu,
                Argv = ["criu", .. args],
                Env = HelperProgram.CurrentEnvironment(),
                Stdin = stdin ?? devNull,
                Stdout = SafeFd.Borrow(1),
                Stderr = SafeFd.Borrow(2),
                Fd3 = fd3,
            }, hold);
        }
        try
        {
            beforeGo?.Invoke(keeper.Pid);
            keeper.StartCriu();
            return keeper;
        }
        catch (ErrnoException e)
        {
            keeper.Dispose();
            throw new JaulaException($"criu {args[0]}: {e.Message}", e);
        }
        catch
        {
            keeper.Dispose();
            throw;
        }
    }

    /// <summary>Waits for criu; a non-zero exit becomes one line with criu's reason and the log's path.</summary>
    public static void Wait(CriuKeeper keeper, IReadOnlyList<string> args, string logPath)
    {
        int status;
        try
        {
            status = keeper.WaitCriu();
        }
        catch (ErrnoException e)
        {
            throw new JaulaException($"criu {args[0]}: {e.Message} (criu's log: {logPath})", e);
        }
        if (status != 0)
            throw new JaulaException($"criu {args[0]} failed (exit status {status}): {Sandbox.Checkpoint.CriuLog.Reason(logPath)} (full log: {logPath}; check this host with `criu check`)");
    }
}
