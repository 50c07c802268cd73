using Grpc.Core;
using Jaula.Conformance.Tests.Differential;
using Jaula.Conformance.Tests.Engines.Cri.V1;
using Jaula.IntegrationTests.Harness;

namespace Jaula.Conformance.Tests.Engines.Cri;

/// <summary>
/// containerd 1.6 with its CRI plugin, started by hand under one temp dir (root, state, sockets), as a kubelet's node
/// would run it: two runtime handlers of the runc v2 shim, "runc" (Debian's runc) and "jaula" (BinaryName the jaula
/// binary), each with a Root of its own; a CNI bridge (Debian's containernetworking-plugins) with host-local addresses
/// kept in the temp dir; a pause image (busybox `sleep`) and a busybox image imported into the k8s.io namespace.
/// Every pod's cgroup_parent is an absolute path below <see cref="CgroupParent"/>, never below the machine's own cgroup.
/// Disposing removes every pod, stops the daemon, kills its shims, unmounts and deletes the temp dir, deletes the
/// bridge, and removes what was added to the fixed paths the shim and the CNI library use (/run/containerd,
/// /var/lib/cni) and the cgroup parent.
/// </summary>
public sealed class CriEngine : IDisposable
{
    public const string Image = "localhost/jaula-cri-bb:latest";
    public const string PauseImage = "localhost/jaula-cri-pause:latest";
    public const string Subnet = "10.231.77.0/24";
    public const string SubnetPrefix = "10.231.77.";
    public static readonly string[] Handlers = ["runc", "jaula"];

    private readonly string _dir = Directory.CreateTempSubdirectory("jaula-cri-").FullName;
    private readonly RunDirectory _shimRunDir = new("/run/containerd");
    private readonly RunDirectory _cniLibDir = new("/var/lib/cni");
    private readonly Daemon? _daemon;

    public CriEngine()
    {
        string suffix = Path.GetFileName(_dir)[^6..];
        CgroupParent = "/jaula-cri-" + suffix;
        Bridge = "jcri" + suffix;
        Address = Path.Combine(_dir, "containerd.sock");
        LogRoot = Path.Combine(_dir, "logs");
        string config = Path.Combine(_dir, "config.toml");
        string cniConf = Path.Combine(_dir, "cni");
        Directory.CreateDirectory(cniConf);
        File.WriteAllText(Path.Combine(cniConf, "10-jaula-cri.conflist"), CniConfig());
        File.WriteAllText(config, ContainerdConfig(cniConf));
        try
        {
            _daemon = Daemon.Start("/usr/bin/containerd", ["--config", config], Address);
            Client = new CriClient(Address);
            WaitUntilCriAnswers();
            Import(DockerArchive.Build(_dir, Image));
            Import(DockerArchive.Build(_dir, PauseImage, "/bin/sleep", "2147483647"));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public CriClient Client { get; } = null!;

    public RuntimeService.RuntimeServiceClient Runtime => Client.Runtime;

    public string Address { get; }

    /// <summary>Parent of every pod's cgroup_parent, in every hierarchy.</summary>
    public string CgroupParent { get; }

    /// <summary>The CNI bridge on the host (the bridge plugin makes it with the first pod and never removes it).</summary>
    public string Bridge { get; }

    /// <summary>Where the pods' log directories go.</summary>
    public string LogRoot { get; }

    /// <summary>Where containerd's CRI mounts the pods' network namespaces (netns_mounts_under_state_dir).</summary>
    public string NetnsDir => Path.Combine(_dir, "state", "io.containerd.grpc.v1.cri", "netns");

    /// <summary>The runtime's --root for a handler's containers (its Root option).</summary>
    public string RuntimeRoot(string handler) => Path.Combine(_dir, handler + "-root");

    public string TempDir => _dir;

    /// <summary>
    /// The handlers exactly as README's "Kubernetes" section shows them: runtime_type io.containerd.runc.v2, the
    /// runtime's BinaryName and Root, SystemdCgroup false (this host has no systemd; the cgroupfs driver).
    /// </summary>
    private string ContainerdConfig(string cniConf) => $"""
        version = 2
        root = "{_dir}/root"
        state = "{_dir}/state"
        [grpc]
          address = "{Address}"
        [ttrpc]
          address = "{Address}.ttrpc"
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "{PauseImage}"
          # The host's bounding set lacks CAP_SYS_RESOURCE: a sandbox's oom_score_adj of -998 would be refused.
          restrict_oom_score_adj = true
          netns_mounts_under_state_dir = true
          disable_apparmor = true
          stream_server_address = "127.0.0.1"
          stream_server_port = "0"
          [plugins."io.containerd.grpc.v1.cri".containerd]
            default_runtime_name = "runc"
            snapshotter = "overlayfs"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                BinaryName = "{DifferentialTests.RuncBinary}"
                Root = "{RuntimeRoot("runc")}"
                SystemdCgroup = false
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.jaula]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.jaula.options]
                BinaryName = "{RepoPaths.Binary}"
                Root = "{RuntimeRoot("jaula")}"
                SystemdCgroup = false
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "/usr/lib/cni"
            conf_dir = "{cniConf}"
            max_conf_num = 1
        """;

    /// <summary>
    /// A bridge with host-local addresses kept in the temp dir. No gateway and no masquerade: the bridge plugin would
    /// otherwise turn on the host's ip_forward and add iptables rules, and the pods need no way out.
    /// </summary>
    private string CniConfig() => $$$"""
        {"cniVersion": "0.4.0", "name": "jaula-cri",
         "plugins": [{"type": "bridge", "bridge": "{{{Bridge}}}", "isGateway": false, "ipMasq": false, "hairpinMode": false,
                      "ipam": {"type": "host-local", "ranges": [[{"subnet": "{{{Subnet}}}"}]], "dataDir": "{{{_dir}}}/ipam"}}]}
        """;

    private void WaitUntilCriAnswers()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                Runtime.Version(new VersionRequest { Version = "v1" }, CriClient.Deadline(TimeSpan.FromSeconds(5)));
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private void Import(string archive)
    {
        using var command = RunningCommand.Start("/usr/bin/ctr", ["--address", Address, "--namespace", "k8s.io", "images", "import", archive]);
        CommandResult import = command.Wait(TimeSpan.FromSeconds(120));
        if (!import.Succeeded)
        {
            throw new InvalidOperationException($"ctr images import failed: {import}");
        }
    }

    /// <summary>Stops and removes every pod containerd still knows (which removes their containers).</summary>
    public void RemoveAllPods()
    {
        foreach (PodSandbox pod in Runtime.ListPodSandbox(new ListPodSandboxRequest(), CriClient.Deadline()).Items)
        {
            RemovePod(pod.Id);
        }
    }

    public void RemovePod(string id)
    {
        Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = id }, CriClient.Deadline());
        Runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = id }, CriClient.Deadline());
    }

    public void Dispose()
    {
        try
        {
            if (Client is not null && File.Exists(Address))
            {
                RemoveAllPods();
            }
        }
        catch (RpcException)
        {
        }
        finally
        {
            Client?.Dispose();
            _daemon?.Stop();
            Daemon.KillProcessesMentioning(_dir);
            EngineDirectory.UnmountAndDelete(_dir);
            _shimRunDir.RemoveWhatWasAdded();
            _cniLibDir.RemoveWhatWasAdded();
            if (Directory.Exists($"/sys/class/net/{Bridge}"))
            {
                using var delete = RunningCommand.Start("/usr/sbin/ip", ["link", "delete", Bridge]);
                delete.Wait();
            }
            HostCgroupTree.Remove(CgroupParent);
        }
    }
}
