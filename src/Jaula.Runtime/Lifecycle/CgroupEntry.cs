using Jaula.Linux;
using Jaula.Runtime.Init;
using Jaula.Runtime.Sync;

namespace Jaula.Runtime.Lifecycle;

/// <summary>
/// How the init enters its cgroup by itself, made before clone: a cgroup2 directory for clone3 to start it in
/// (CLONE_INTO_CGROUP), and the `tasks` files of its v1 hierarchies, into which the C stage's child writes "0" before
/// anything else. Either way no cgroup.procs write by the parent is needed: that write takes the kernel's global
/// cgroup_threadgroup_rwsem, whose writer waits for an RCU grace period (10-15 ms per container on this project's
/// VM), while a thread that moves itself skips it.
/// </summary>
public sealed class CgroupEntry : IDisposable
{
    /// <summary>The container's cgroup2 directory (unified or hybrid host), or null.</summary>
    public SafeFd? Directory { get; init; }

    /// <summary>Its path, for the parent's cgroup.procs write where clone3 refuses CLONE_INTO_CGROUP (also after Dispose).</summary>
    public string? DirectoryPath { get; init; }

    /// <summary>The container's v1 `tasks` files, opened for writing (empty on a unified host).</summary>
    public IReadOnlyList<SafeFd> Tasks { get; init; } = [];

    /// <summary>Their paths, in the same order: the C stage names the one it could not write.</summary>
    public IReadOnlyList<string> TaskPaths { get; init; } = [];

    /// <summary>
    /// Opens the way into these cgroup directories ("" names the cgroup2 one, any other key a v1 hierarchy); null when
    /// there are more v1 hierarchies than the stage takes (then the parent moves the process, as before). An open that
    /// fails throws with the path; nothing stays open then.
    /// </summary>
    public static CgroupEntry? Open(IEnumerable<(string Controllers, string Dir)> directories)
    {
        var list = directories.DistinctBy(d => d.Dir).ToList();
        if (list.Count(d => d.Controllers.Length > 0) > InitStage.MaxCgroupTasks)
            return null;
        SafeFd? directory = null;
        string? directoryPath = null;
        var tasks = new List<SafeFd>();
        var taskPaths = new List<string>();
        try
        {
            foreach (var (controllers, dir) in list)
            {
                if (controllers.Length == 0)
                {
                    directory = Sys.Open(dir, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.CloExec);
                    directoryPath = dir;
                    continue;
                }
                string path = Path.Join(dir, "tasks");
                tasks.Add(Sys.Open(path, OpenFlags.WriteOnly | OpenFlags.CloExec));
                taskPaths.Add(path);
            }
            return new CgroupEntry { Directory = directory, DirectoryPath = directoryPath, Tasks = tasks, TaskPaths = taskPaths };
        }
        catch
        {
            directory?.Dispose();
            foreach (var fd in tasks)
                fd.Dispose();
            throw;
        }
    }

    /// <summary>Whether the child writes itself into `tasks` files, and so sends CGROUPS_ENTERED first.</summary>
    public bool EnteredByChild => Tasks.Count > 0;

    /// <summary>
    /// After clone, with <see cref="EnteredByChild"/>: waits for the child's CGROUPS_ENTERED, so /proc/&lt;pid&gt;/cgroup
    /// shows the container's cgroups from then on. The child's ERROR instead (a `tasks` file refused it) becomes the
    /// create's or exec's error; the child is killed and reaped on any failure.
    /// </summary>
    public static void AwaitEntered(SyncChannel channel, SpawnedInit child)
    {
        try
        {
            var frame = channel.Receive() ?? throw new JaulaException($"the init (pid {child.Pid}) died before it entered its cgroups");
            if (frame.Type == FrameType.Error)
                throw new JaulaException(InitError.TryDecode(frame.Payload)?.Describe() ?? "the init could not enter its cgroups");
            if (frame.Type != FrameType.CgroupsEntered)
                throw new JaulaException($"the init sent a {frame.Type} message before entering its cgroups");
        }
        catch
        {
            child.KillAndReap();
            throw;
        }
    }

    public void Dispose()
    {
        Directory?.Dispose();
        foreach (var fd in Tasks)
            fd.Dispose();
    }
}
