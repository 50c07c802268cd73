using Jaula.IntegrationTests.Harness;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// Docker 20.10's dockerd started by hand with jaula as its default runtime, everything under one temp dir (data root,
/// exec root with the containerd dockerd starts, socket, client config), no networking, vfs storage, and every container
/// below a cgroup parent of our own; the busybox image loaded from a docker-archive. The Docker 20.10 client is called by
/// its full path: another, newer client may come first on PATH. Disposing removes every container and volume, stops the
/// daemon (and its containerd), kills leftover shims, and removes what it added to /run/containerd, /run/docker and /etc/docker (key.json), the mounts,
/// the temp dir and the cgroups.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    public const string Image = "localhost/jaula-bb:latest";
    private const string Client = "/usr/bin/docker";

    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-docker-").FullName;
    // Paths dockerd and the shims hard-code whatever the flags: shim sockets and fifos, the plugin dir, the trust key.
    private readonly RunDirectory[] _hardCodedDirs = [new("/run/containerd"), new("/run/docker"), new("/etc/docker")];
    private readonly Daemon? _daemon;

    public DockerEngine()
    {
        CgroupParent = "/jaula-docker-" + Path.GetFileName(_dir)[^6..];
        Socket = Path.Combine(_dir, "docker.sock");
        try
        {
            _daemon = Daemon.Start("/usr/sbin/dockerd", [
                "--add-runtime", $"jaula={RepoPaths.Binary}", "--default-runtime", "jaula",
                "--iptables=false", "--ip-masq=false", "--ip6tables=false", "--bridge=none", "--userland-proxy=false",
                "--storage-driver=vfs", "--data-root", Path.Combine(_dir, "data"), "--exec-root", Path.Combine(_dir, "exec"),
                "--pidfile", Path.Combine(_dir, "dockerd.pid"), "-H", $"unix://{Socket}",
                "--cgroup-parent", CgroupParent, "--exec-opt", "native.cgroupdriver=cgroupfs"], Socket);
            Eventually.True(() => Docker("version").Succeeded, "dockerd answers", seconds: 60);
            CommandResult load = Docker("load", "-i", DockerArchive.Build(_dir, Image));
            if (!load.Succeeded)
            {
                throw new InvalidOperationException($"docker load failed: {load}");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string CgroupParent { get; }

    public string Socket { get; }

    /// <summary>The environment and argv prefix that point the 20.10 client at our daemon (for running it under a pty).</summary>
    public string[] ClientCommand => [$"DOCKER_CONFIG={_dir}/client", Client, "-H", $"unix://{Socket}"];

    public CommandResult Docker(params string[] args)
    {
        using var command = RunningCommand.Start("/usr/bin/env", [.. ClientCommand, .. args]);
        return command.Wait(TimeSpan.FromSeconds(90));
    }

    /// <summary>`docker run` through jaula without networking: options, image, argv come in <paramref name="args"/>.</summary>
    public CommandResult Run(params string[] args) => Docker(["run", "--runtime", "jaula", "--network", "none", .. args]);

    /// <summary>The container's directory in one v1 hierarchy, e.g. ("memory", full id).</summary>
    public string CgroupDir(string hierarchy, string id) => $"/sys/fs/cgroup/{hierarchy}{CgroupParent}/{id}";

    /// <summary>A host directory for bind mounts, removed with the engine.</summary>
    public string NewHostDirectory() => EngineDirectory.NewHostDirectory(_dir);

    /// <summary>Names of the containers dockerd still knows (running or not).</summary>
    public string[] Containers() =>
        Docker("ps", "-a", "--format", "{{.Names}}").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose()
    {
        try
        {
            if (File.Exists(Socket))
            {
                string[] ids = Docker("ps", "-aq").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (ids.Length > 0)
                {
                    Docker(["rm", "-f", "-v", .. ids]);
                }
                Docker("volume", "prune", "-f");
            }
        }
        finally
        {
            _daemon?.Stop();
            Daemon.KillProcessesMentioning(_dir);
            EngineDirectory.UnmountAndDelete(_dir);
            foreach (RunDirectory dir in _hardCodedDirs)
            {
                dir.RemoveWhatWasAdded();
            }
            HostCgroupTree.Remove(CgroupParent);
        }
    }
}
