namespace Jaula.IntegrationTests.Harness;

/// <summary>Deletes what a test created and lists whatever survived: state dirs, mounts, processes.</summary>
public static class LeakCheck
{
    private static readonly TimeSpan s_grace = TimeSpan.FromSeconds(10);

    public static List<string> CleanUp(
        JaulaRunner jaula, StateRoot stateRoot, IReadOnlyCollection<string> rootEntriesBefore, IReadOnlyList<Bundle> bundles)
    {
        var leaks = new List<string>();
        string[] untracked = NewEntries(stateRoot, rootEntriesBefore).Select(Path.GetFileName).Except(jaula.Ids).ToArray()!;
        leaks.AddRange(untracked.Select(name => $"state for an id the test never used: {name} (deleted it)"));
        foreach (string id in jaula.Ids.Concat(untracked))
        {
            // The result is irrelevant (the test may already have deleted it); what is left afterwards is not.
            jaula.Invoke("delete", "--force", id);
        }

        foreach (RunningCommand command in jaula.Launched.Where(c => !c.IsDisposed))
        {
            if (!WaitForExit(command))
            {
                leaks.Add($"`{string.Join(' ', command.Args)}` was still running after delete --force; killed it");
            }
            command.Dispose();
        }

        foreach ((int pid, string? pidNamespace) in jaula.InitPids)
        {
            if (Reaper.WaitUntilGone(pid, s_grace))
            {
                // The kernel kills a pid namespace's other members when its init dies, and the namespace's inode
                // number may then be reused by another test's container: looking it up now could hit a stranger.
                continue;
            }
            leaks.Add($"container init pid {pid} still alive after delete --force; killed it");
            // While the init lives it pins its namespace, so the inode still names this container's processes.
            List<int> survivors = pidNamespace is null ? [] : ProcessesIn(pidNamespace).Where(p => p != pid).ToList();
            leaks.AddRange(survivors.Select(s => $"process {s} still in the container's {pidNamespace}; killed it"));
            foreach (int survivor in survivors.Prepend(pid))
            {
                KillIfStillIn(survivor, pidNamespace);
            }
        }
        Reaper.ReapAdoptedZombies();

        // Catches state of containers the test never named too (e.g. one created under a mangled id).
        leaks.AddRange(NewEntries(stateRoot, rootEntriesBefore).Select(e => $"{e} still exists"));

        foreach (string dir in bundles.Select(b => b.Dir).Append(stateRoot.Sandbox))
        {
            leaks.AddRange(MountTable.LinesMentioning(dir).Select(line => $"mount left: {line}"));
        }
        leaks.AddRange(bundles.SelectMany(CgroupLeaks));
        return leaks;
    }

    /// <summary>No directory of the container may remain in any hierarchy; what does is reported, then removed (leaf first).</summary>
    private static IEnumerable<string> CgroupLeaks(Bundle bundle)
    {
        var left = new List<string>();
        if (CgroupPlacement.PathOf(bundle) is not { } path)
            return left;
        foreach (string dir in CgroupPlacement.DirectoriesOf(path).Where(Directory.Exists))
        {
            left.Add($"cgroup left: {dir}");
            foreach (string sub in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).Reverse().Append(dir))
            {
                try
                {
                    Directory.Delete(sub);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    left.Add($"could not remove {sub}: {e.Message}");
                }
            }
        }
        return left;
    }

    private static IEnumerable<string> NewEntries(StateRoot stateRoot, IReadOnlyCollection<string> before) =>
        Directory.GetFileSystemEntries(stateRoot.Root).Except(before);

    private static bool WaitForExit(RunningCommand command)
    {
        try
        {
            command.Wait(s_grace);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static IEnumerable<int> ProcessesIn(string pidNamespace) =>
        ProcessInfo.All()
            .Where(p => !p.IsZombie && ProcessInfo.PidNamespace(p.Pid) == pidNamespace)
            .Select(p => p.Pid)
            .ToList();

    /// <summary>Kills only a process the test started: the pid must still be in the container's pid namespace.</summary>
    private static void KillIfStillIn(int pid, string? pidNamespace)
    {
        if (pidNamespace is not null && ProcessInfo.PidNamespace(pid) == pidNamespace)
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
            }
        }
    }
}
