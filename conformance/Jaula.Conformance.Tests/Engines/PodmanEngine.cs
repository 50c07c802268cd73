using Jaula.IntegrationTests.Harness;

namespace Jaula.Conformance.Tests.Engines;

/// <summary>
/// Podman (with conmon) configured to use jaula, all under one temp dir: containers.conf and storage.conf (vfs, so no
/// overlay mounts), a busybox image imported from the test rootfs (no registry), cgroups below a parent of our own.
/// Disposing removes every container, the image, any mount left under the temp dir, the temp dir and the cgroups.
/// </summary>
public sealed class PodmanEngine : IDisposable
{
    public const string Image = "localhost/jaula-bb:latest";

    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-podman-").FullName;

    public PodmanEngine()
    {
        Reaper.EnsureSubreaper();
        CgroupParent = "/jaula-podman-" + Path.GetFileName(_dir)[^6..];
        File.WriteAllText(Path.Combine(_dir, "containers.conf"), $"""
            [containers]
            netns = "none"
            default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            runtime = "jaula"
            static_dir = "{_dir}/static"
            tmp_dir = "{_dir}/tmp"
            volume_path = "{_dir}/volumes"
            runtime_supports_json = ["jaula"]
            [engine.runtimes]
            jaula = ["{RepoPaths.Binary}"]
            """);
        File.WriteAllText(Path.Combine(_dir, "storage.conf"), $"""
            [storage]
            driver = "vfs"
            runroot = "{_dir}/runroot"
            graphroot = "{_dir}/graphroot"
            """);
        string rootfs = Path.Combine(_dir, "rootfs");
        Shell.Run("/bin/bash", RepoPaths.RootfsScript, rootfs);
        Shell.Run("/bin/tar", "-C", rootfs, "-cf", Path.Combine(_dir, "rootfs.tar"), ".");
        CommandResult import = Podman("import", "--change", "CMD [\"/bin/sh\"]", Path.Combine(_dir, "rootfs.tar"), Image);
        if (!import.Succeeded)
        {
            throw new InvalidOperationException($"podman import failed: {import}");
        }
    }

    public string CgroupParent { get; }

    /// <summary>A host directory for volumes, removed with the engine.</summary>
    public string NewHostDirectory() => EngineDirectory.NewHostDirectory(_dir);

    public CommandResult Podman(params string[] args)
    {
        using var command = RunningCommand.Start("/usr/bin/env", [.. ClientCommand, .. args]);
        return command.Wait(TimeSpan.FromSeconds(90));
    }

    /// <summary>`podman run` below our cgroup parent (with podman's default seccomp profile).</summary>
    public CommandResult Run(params string[] args) => Podman(["run", "--cgroup-parent", CgroupParent, .. args]);

    /// <summary>The environment and argv prefix of a podman call (for running it under a pty).</summary>
    public string[] ClientCommand =>
        [$"CONTAINERS_CONF={_dir}/containers.conf", $"CONTAINERS_STORAGE_CONF={_dir}/storage.conf", "/usr/bin/podman"];

    /// <summary>The container's directory in one v1 hierarchy, e.g. ("memory", id).</summary>
    public string CgroupDir(string hierarchy, string containerId) => $"/sys/fs/cgroup/{hierarchy}{CgroupParent}/libpod-{containerId}";

    /// <summary>Names of containers podman still knows (running or not).</summary>
    public string[] Containers() =>
        Podman("ps", "-a", "--format", "{{.Names}}").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose()
    {
        try
        {
            Podman("rm", "--all", "--force", "--time", "0");
            Podman("rmi", "--all", "--force");
        }
        finally
        {
            EngineDirectory.UnmountAndDelete(_dir);
            HostCgroupTree.Remove(CgroupParent);
        }
    }
}
