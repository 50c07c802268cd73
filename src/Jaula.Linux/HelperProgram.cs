using System.Text;

namespace Jaula.Linux;

/// <summary>What a helper program printed and how it ended (the shell-style status of <see cref="Sys.WaitForExit"/>).</summary>
public sealed record HelperOutput(int Status, string Stdout, string Stderr);

/// <summary>
/// Runs a host helper program (ps(1), newuidmap(1)) to its end and captures what it prints, through
/// <see cref="Sys.Spawn"/>. It replaces System.Diagnostics.Process, which brought ~230 kB of code into the binary
/// (its shell-execute path pulls in Uri, pipes over sockets and DNS) for these two callers.
/// </summary>
public static class HelperProgram
{
    /// <summary>
    /// Starts <paramref name="path"/> (a name without '/' is looked up in PATH, as Process.Start did) with stdin on
    /// /dev/null and this process's environment, reads its stdout and stderr until both close, and reaps it.
    /// </summary>
    public static HelperOutput Run(string path, IReadOnlyList<string> args)
    {
        string resolved = Resolve(path);
        var (stdoutRead, stdoutWrite) = Sys.Pipe();
        var (stderrRead, stderrWrite) = Sys.Pipe();
        using (stdoutRead)
        using (stderrRead)
        {
            int pid;
            using (var devNull = Sys.Open("/dev/null", OpenFlags.ReadOnly | OpenFlags.CloExec))
            using (stdoutWrite)
            using (stderrWrite)
            {
                pid = Sys.Spawn(new SpawnRequest
                {
                    Path = resolved,
                    Argv = [path, .. args],
                    Env = CurrentEnvironment(),
                    Stdin = devNull,
                    Stdout = stdoutWrite,
                    Stderr = stderrWrite,
                });
            }
            var (stdout, stderr) = Drain(stdoutRead, stderrRead);
            return new HelperOutput(Sys.WaitForExit(pid), stdout, stderr);
        }
    }

    /// <summary>The environment as "NAME=value" strings.</summary>
    public static List<string> CurrentEnvironment()
    {
        var env = new List<string>();
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            env.Add($"{entry.Key}={entry.Value}");
        return env;
    }

    /// <summary>A name with a '/' as it is; otherwise the first executable regular file of that name in PATH.</summary>
    private static string Resolve(string name)
    {
        if (name.Contains('/'))
            return name;
        string search = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (string dir in search.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                return candidate;
        }
        throw new ErrnoException("posix_spawn", $"{name} (not found in PATH {search})", Errno.ENOENT);
    }

    /// <summary>Reads both pipes without blocking on either, so a program that fills one while we wait on the other cannot stall.</summary>
    private static (string Stdout, string Stderr) Drain(SafeFd stdout, SafeFd stderr)
    {
        Sys.SetNonBlocking(stdout);
        Sys.SetNonBlocking(stderr);
        var outBytes = new MemoryStream();
        var errBytes = new MemoryStream();
        bool outOpen = true, errOpen = true;
        Span<byte> buffer = stackalloc byte[4096];
        Span<PollFd> fds = stackalloc PollFd[2];
        while (outOpen || errOpen)
        {
            fds[0] = new PollFd(outOpen ? stdout.Value : -1, PollFd.In);
            fds[1] = new PollFd(errOpen ? stderr.Value : -1, PollFd.In);
            Sys.Poll(fds, -1);
            if (outOpen && fds[0].Revents != 0)
                outOpen = ReadSome(stdout, buffer, outBytes);
            if (errOpen && fds[1].Revents != 0)
                errOpen = ReadSome(stderr, buffer, errBytes);
        }
        return (Encoding.UTF8.GetString(outBytes.GetBuffer(), 0, (int)outBytes.Length),
            Encoding.UTF8.GetString(errBytes.GetBuffer(), 0, (int)errBytes.Length));
    }

    /// <summary>Appends what is there; false at end of file.</summary>
    private static bool ReadSome(SafeFd fd, Span<byte> buffer, MemoryStream into)
    {
        int n = Sys.ReadNonBlocking(fd, buffer);
        if (n == 0)
            return false;
        if (n > 0)
            into.Write(buffer[..n]);
        return true;
    }
}
