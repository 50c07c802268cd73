using System.Text;
using Jaula.Linux;
using Jaula.Oci;

namespace Jaula.Runtime.Hooks;

/// <summary>
/// Runs one hook (config.md "POSIX-platform Hooks"): `path` with `args` as argv (argv[0] included; [path] when
/// absent) and exactly `env` (the runtime's environment when absent, as runc does), the container state on stdin, stdout and stderr captured. Past `timeout` seconds its
/// whole process group is killed and the hook counts as failed.
/// </summary>
public static class HookProcess
{
    /// <summary>How much of the hook's stderr (and stdout) is kept for the error message.</summary>
    private const int OutputLimit = 4096;

    private const short PollOut = 0x004;

    /// <param name="field">The hook's JSON path, e.g. hooks.prestart[0], for the error message.</param>
    /// <param name="executable">When set, this file is run (as /proc/self/fd/3) instead of resolving hook.path here.</param>
    public static void Run(HookSpec hook, string field, byte[] state, SafeFd? executable = null)
    {
        var (stdinRead, stdinWrite) = Sys.Pipe();
        var (stdoutRead, stdoutWrite) = Sys.Pipe();
        var (stderrRead, stderrWrite) = Sys.Pipe();
        using (stdinWrite)
        using (stdoutRead)
        using (stderrRead)
        {
            int pid;
            using (stdinRead)
            using (stdoutWrite)
            using (stderrWrite)
            {
                try
                {
                    pid = Sys.Spawn(new SpawnRequest
                    {
                        Path = executable is null ? hook.Path : "/proc/self/fd/3",
                        Argv = hook.Args is { Count: > 0 } args ? args : [hook.Path],
                        Env = hook.Env ?? InheritedEnvironment(),
                        Stdin = stdinRead,
                        Stdout = stdoutWrite,
                        Stderr = stderrWrite,
                        Fd3 = executable,
                    });
                }
                catch (ErrnoException e)
                {
                    throw new HookFailedException($"{field}: cannot run {hook.Path}: {e.Message}", e);
                }
            }
            var io = new HookIo(stdinWrite, stdoutRead, stderrRead, state);
            bool exited = io.Pump(pid, hook.Timeout);
            if (!exited)
            {
                // The group holds what the hook started (a shell's children); kill them all so nothing outlives it.
                Sys.TryKill(-pid, Signals.SIGKILL);
                Sys.TryKill(pid, Signals.SIGKILL);
                Sys.WaitForExit(pid);
                throw new HookFailedException($"{field}: {hook.Path} did not finish within its timeout of {hook.Timeout} s and was killed{io.StderrSuffix()}");
            }
            int status = Sys.WaitForExit(pid);
            if (status != 0)
            {
                string how = status > 128 ? $"was killed by {Signals.Name(status - 128)}" : $"exited with status {status}";
                throw new HookFailedException($"{field}: {hook.Path} {how}{io.StderrSuffix()}");
            }
        }
    }

    /// <summary>
    /// A hook without `env` gets the runtime's environment, as runc gives it (Go's exec.Cmd with a nil Env): hooks
    /// such as GPU or network helpers rely on PATH from the engine. `"env": []` means an empty environment. The
    /// init's own marker variable is not passed on.
    /// </summary>
    private static List<string> InheritedEnvironment()
    {
        var env = HelperProgram.CurrentEnvironment();
        env.RemoveAll(e => e.StartsWith("JAULA_INIT=", StringComparison.Ordinal));
        return env;
    }

    /// <summary>Feeds stdin and drains stdout/stderr without ever blocking, until the hook exits or its time is up.</summary>
    private sealed class HookIo(SafeFd stdin, SafeFd stdout, SafeFd stderr, byte[] state)
    {
        private readonly StringBuilder _stderr = new();
        private readonly StringBuilder _stdout = new();
        private int _written;
        private bool _stdinOpen = true, _stdoutOpen = true, _stderrOpen = true;

        /// <summary>True when the hook exited; false when the timeout struck first.</summary>
        public bool Pump(int pid, int? timeoutSeconds)
        {
            using var pidfd = Sys.PidfdOpen(pid);
            Sys.SetNonBlocking(stdin);
            Sys.SetNonBlocking(stdout);
            Sys.SetNonBlocking(stderr);
            long deadline = timeoutSeconds is int s ? Environment.TickCount64 + s * 1000L : long.MaxValue;
            WriteStdin();
            Span<PollFd> fds = stackalloc PollFd[4];
            while (true)
            {
                fds[0] = new PollFd(pidfd.Value, PollFd.In);
                fds[1] = new PollFd(_stdoutOpen ? stdout.Value : -1, PollFd.In);
                fds[2] = new PollFd(_stderrOpen ? stderr.Value : -1, PollFd.In);
                fds[3] = new PollFd(_stdinOpen ? stdin.Value : -1, PollOut);
                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                    return false;
                Sys.Poll(fds, left > int.MaxValue ? -1 : (int)left);
                if (fds[3].Revents != 0)
                    WriteStdin();
                Drain();
                if (fds[0].Revents != 0)
                {
                    Drain(); // what it wrote just before exiting; its own children may keep the pipes open, so no wait for EOF
                    return true;
                }
            }
        }

        public string StderrSuffix()
        {
            string err = _stderr.ToString().Trim();
            string text = err.Length > 0 ? err : _stdout.ToString().Trim();
            return text.Length == 0 ? "" : $": {(err.Length > 0 ? "stderr" : "stdout")}: {text}";
        }

        private void WriteStdin()
        {
            if (!_stdinOpen)
                return;
            try
            {
                while (_written < state.Length)
                {
                    int n = Sys.WriteNonBlocking(stdin, state.AsSpan(_written));
                    if (n < 0)
                        return;
                    _written += n;
                }
            }
            catch (ErrnoException e) when (e.Errno == Errno.EPIPE)
            {
                // The hook did not read its stdin: allowed.
            }
            _stdinOpen = false;
            stdin.Dispose(); // end of file for the hook's reader
        }

        private void Drain()
        {
            if (_stdoutOpen)
                _stdoutOpen = ReadAvailable(stdout, _stdout);
            if (_stderrOpen)
                _stderrOpen = ReadAvailable(stderr, _stderr);
        }

        /// <summary>Reads what is there; false at end of file.</summary>
        private static bool ReadAvailable(SafeFd fd, StringBuilder sink)
        {
            Span<byte> buffer = stackalloc byte[4096];
            while (true)
            {
                int n = Sys.ReadNonBlocking(fd, buffer);
                if (n < 0)
                    return true;
                if (n == 0)
                    return false;
                if (sink.Length < OutputLimit)
                    sink.Append(Encoding.UTF8.GetString(buffer[..Math.Min(n, OutputLimit - sink.Length)]));
            }
        }
    }
}
