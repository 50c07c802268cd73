using Jaula.IntegrationTests.Harness;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// containerd 1.6 started by hand under one temp dir (root, state, sockets; CRI plugin off), a busybox image imported
/// from a docker-archive, and `ctr run --runc-binary jaula` for every container, each under a cgroup parent of our own.
/// Disposing deletes every task and container, stops the daemon, kills its shims, and removes the shim sockets it left
/// and fifos in /run/containerd (paths the shim hard-codes), the mounts, the temp dir and the cgroups.
/// </summary>
public sealed class ContainerdEngine : IDisposable
{
    public const string Image = "localhost/jaula-bb:latest";
    private const string Namespace = "jaula-it";
    private const string ShimSocketDir = "/run/containerd";

    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-ctrd-").FullName;
    private readonly RunDirectory _shimRunDir = new(ShimSocketDir);
    private readonly Daemon? _daemon;

    public ContainerdEngine()
    {
        CgroupParent = "/jaula-ctrd-" + Path.GetFileName(_dir)[^6..];
        Address = Path.Combine(_dir, "containerd.sock");
        RuntimeRoot = Path.Combine(_dir, "jaula-root");
        string config = Path.Combine(_dir, "config.toml");
        File.WriteAllText(config, $"""
            version = 2
            root = "{_dir}/root"
            state = "{_dir}/state"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            [grpc]
              address = "{Address}"
            [ttrpc]
              address = "{Address}.ttrpc"
            """);
        try
        {
            _daemon = Daemon.Start("/usr/bin/containerd", ["--config", config], Address);
            string archive = DockerArchive.Build(_dir, Image);
            CommandResult import = Ctr("images", "import", archive);
            if (!import.Succeeded)
            {
                throw new InvalidOperationException($"ctr images import failed: {import}");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string CgroupParent { get; }

    public string Address { get; }

    /// <summary>jaula's --root for every container (ctr run --runc-root).</summary>
    public string RuntimeRoot { get; }

    public CommandResult Ctr(params string[] args) => CtrWithin(TimeSpan.FromSeconds(90), args);

    public CommandResult CtrWithin(TimeSpan timeout, params string[] args)
    {
        using var command = RunningCommand.Start("/usr/bin/ctr", ["--address", Address, "--namespace", Namespace, .. args]);
        return command.Wait(timeout);
    }

    /// <summary>`ctr run` with jaula as the runtime and the container's cgroup below our parent: options, then image, id, argv.</summary>
    public CommandResult Run(string id, string[] options, params string[] argv) =>
        Ctr(["run", "--runc-binary", RepoPaths.Binary, "--runc-root", RuntimeRoot, "--cgroup", CgroupPath(id), .. options, Image, id, .. argv]);

    public string CgroupPath(string id) => $"{CgroupParent}/{id}";

    /// <summary>The container's directory in one v1 hierarchy, e.g. ("memory", id).</summary>
    public string CgroupDir(string hierarchy, string id) => $"/sys/fs/cgroup/{hierarchy}{CgroupPath(id)}";

    /// <summary>A host directory for bind mounts, removed with the engine.</summary>
    public string NewHostDirectory() => EngineDirectory.NewHostDirectory(_dir);

    /// <summary>The status `ctr task ls` gives the task (RUNNING, PAUSED, STOPPED), or null without a task.</summary>
    public string? TaskStatus(string id)
    {
        foreach (string line in Ctr("task", "ls").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 3 && fields[0] == id)
            {
                return fields[2];
            }
        }
        return null;
    }

    /// <summary>Ids of the containers containerd still knows.</summary>
    public string[] Containers() =>
        Ctr("containers", "ls", "-q").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Removes one container and its task, whatever state they are in.</summary>
    public void Remove(string id)
    {
        Ctr("task", "delete", "--force", id);
        Ctr("containers", "delete", id);
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(Address))
            {
                foreach (string id in Containers())
                {
                    Remove(id);
                }
            }
        }
        finally
        {
            _daemon?.Stop();
            Daemon.KillProcessesMentioning(_dir);
            EngineDirectory.UnmountAndDelete(_dir);
            _shimRunDir.RemoveWhatWasAdded();
            HostCgroupTree.Remove(CgroupParent);
        }
    }
}
