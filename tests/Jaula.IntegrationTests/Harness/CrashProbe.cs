using System.Diagnostics;
using FluentAssertions;

namespace Jaula.IntegrationTests.Harness;

/// <summary>
/// Kills a jaula invocation the test started (SIGKILL, only that pid: what it started must die by itself) and finds
/// what it left: processes of the bundle (working directory or root in it, or inside its cgroup), its cgroup
/// directories, and its state or staging dir.
/// </summary>
public static class CrashProbe
{
    private static readonly TimeSpan s_deleteBound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(3);

    /// <summary>Starts jaula in the bundle's directory, so everything it clones is recognisable by its working directory.</summary>
    public static RunningCommand Launch(JaulaRunner jaula, Bundle bundle, params string[] args) =>
        RunningCommand.Start(jaula.Binary, ["--root", jaula.Root, .. args], workingDirectory: bundle.Dir);

    public static void SigKill(RunningCommand command)
    {
        try
        {
            Process.GetProcessById(command.Pid).Kill(); // SIGKILL to this pid alone, never its tree
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already exited.
        }
        command.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>Polls until <paramref name="reached"/> holds or the command exits; false if it exited first.</summary>
    public static bool WaitUntil(RunningCommand command, Func<bool> reached, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!reached())
        {
            if (ProcessInfo.Read(command.Pid) is null or { IsZombie: true })
                return false;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"`{string.Join(' ', command.Args)}` never reached the kill point");
            Thread.SpinWait(200);
        }
        return true;
    }

    /// <summary>Whether the process has children (the stage child, right after clone3).</summary>
    public static bool HasChildren(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Any(t => File.ReadAllText(Path.Combine(t, "children")).Trim().Length > 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>x86_64 connect(2): where create waits on a unix socket whose backlog is full.</summary>
    public const int ConnectSyscall = 42;

    /// <summary>Whether a thread of the process is blocked in the system call <paramref name="number"/> (/proc/.../syscall).</summary>
    public static bool BlockedIn(int pid, int number)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Any(t => File.ReadAllText(Path.Combine(t, "syscall")).StartsWith($"{number} ", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>`delete --force`, which must end within a few seconds: a hang fails the test (the command is killed).</summary>
    public static CommandResult DeleteForce(JaulaRunner jaula, string id)
    {
        var command = RunningCommand.Start(jaula.Binary, ["--root", jaula.Root, "delete", "--force", id]);
        try
        {
            return command.Wait(s_deleteBound);
        }
        catch (TimeoutException e)
        {
            throw new Xunit.Sdk.XunitException($"delete --force {id} blocked: {e.Message}");
        }
        finally
        {
            command.Dispose();
        }
    }

    /// <summary>What is left of the container <paramref name="id"/> of <paramref name="bundle"/>, after a grace for dying processes.</summary>
    public static List<string> Leftovers(JaulaRunner jaula, string id, Bundle bundle)
    {
        var left = new List<string>();
        var deadline = DateTime.UtcNow + s_grace;
        List<int> processes;
        while ((processes = ProcessesOf(bundle)).Count > 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(20);
        Reaper.ReapAdoptedZombies();
        left.AddRange(processes.Select(p => $"process {p} ({Describe(p)})"));
        if (CgroupPlacement.PathOf(bundle) is { } path)
            left.AddRange(CgroupPlacement.DirectoriesOf(path).Where(Directory.Exists).Select(d => $"cgroup {d}"));
        left.AddRange(Directory.GetFileSystemEntries(jaula.Root)
            .Select(Path.GetFileName)
            .Where(n => n == id || n!.StartsWith($"~{id}~", StringComparison.Ordinal))
            .Select(n => $"state entry {n}"));
        return left;
    }

    /// <summary>Kills what <see cref="Leftovers"/> found (only processes of this bundle), so one failure does not leak on.</summary>
    public static void KillLeftovers(Bundle bundle)
    {
        foreach (int pid in ProcessesOf(bundle))
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
            }
        }
    }

    /// <summary>Live processes whose working directory or root is in the bundle, or that are in its cgroup.</summary>
    public static List<int> ProcessesOf(Bundle bundle, bool inCgroup = true)
    {
        string? cgroup = CgroupPlacement.PathOf(bundle);
        var found = new List<int>();
        foreach (ProcessInfo p in ProcessInfo.All())
        {
            if (p.IsZombie || p.Pid == Environment.ProcessId)
                continue;
            if (Under(Link(p.Pid, "cwd"), bundle.Dir) || Under(Link(p.Pid, "root"), bundle.Dir)
                || (inCgroup && cgroup is not null && InCgroup(p.Pid, cgroup)))
                found.Add(p.Pid);
        }
        return found;
    }

    public static bool InCgroup(int pid, string cgroupPath)
    {
        try
        {
            return File.ReadAllLines($"/proc/{pid}/cgroup").Any(l => l.EndsWith(":" + cgroupPath, StringComparison.Ordinal)
                || l.Contains(":" + cgroupPath + "/", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Under(string? path, string dir) =>
        path is not null && (path == dir || path.StartsWith(dir + "/", StringComparison.Ordinal));

    private static string? Link(int pid, string name)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/{name}").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Describe(int pid)
    {
        try
        {
            string cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return $"{cmdline}, ppid {ProcessInfo.Read(pid)?.ParentPid}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "gone";
        }
    }

    public static void ShouldLeaveNothing(this List<string> leftovers, string because) =>
        leftovers.Should().BeEmpty(because);
}
