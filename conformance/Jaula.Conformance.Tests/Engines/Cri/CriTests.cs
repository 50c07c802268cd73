using System.Text.Json;
using FluentAssertions;
using Grpc.Core;
using Jaula.Conformance.Tests.Engines.Cri.V1;
using ContainerState = Jaula.Conformance.Tests.Engines.Cri.V1.ContainerState;
using ContainerStatus = Jaula.Conformance.Tests.Engines.Cri.V1.ContainerStatus;
using Jaula.IntegrationTests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Jaula.Conformance.Tests.Engines.Cri;

/// <summary>
/// containerd's CRI plugin driving jaula as a kubelet would: each case runs under the "runc" handler and under the
/// "jaula" handler (the same runc v2 shim, BinaryName set), checks what it expects under both and then that jaula's
/// observations equal runc's. After each case its pods are stopped and removed and nothing of them may be left: no
/// cgroup, mount, network namespace file, bridge port, process or runtime state.
/// </summary>
public sealed class CriTests(CriEngine cri, ITestOutputHelper output) : IClassFixture<CriEngine>, IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly List<Pod> _pods = [];

    private RuntimeService.RuntimeServiceClient Runtime => cri.Runtime;

    private sealed record Pod(string Id, string Handler, PodSandboxConfig Config)
    {
        public string CgroupParent => Config.Linux.CgroupParent;
    }

    private static CallOptions Deadline() => CriClient.Deadline();

    /// <summary>Runs <paramref name="observe"/> under both handlers, checks each, then that jaula saw what runc saw.</summary>
    private void UnderBothHandlers(Func<string, SortedDictionary<string, string>> observe, Action<SortedDictionary<string, string>> expect)
    {
        var results = new Dictionary<string, SortedDictionary<string, string>>();
        foreach (string handler in CriEngine.Handlers)
        {
            results[handler] = observe(handler);
            output.WriteLine($"{handler}: {string.Join("; ", results[handler].Select(kv => $"{kv.Key}={kv.Value}"))}");
        }
        foreach (string handler in CriEngine.Handlers)
        {
            using var scope = new FluentAssertions.Execution.AssertionScope(handler);
            expect(results[handler]);
        }
        results["jaula"].Should().Equal(results["runc"], "jaula under containerd's CRI behaves as runc");
    }

    private Pod RunPod(string handler, Action<PodSandboxConfig>? edit = null)
    {
        string name = $"p-{handler}-{Guid.NewGuid().ToString("N")[..8]}";
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Uid = Guid.NewGuid().ToString(), Namespace = "jaula-cri" },
            Hostname = name,
            LogDirectory = Path.Combine(cri.LogRoot, name),
            Linux = new LinuxPodSandboxConfig
            {
                // Absolute and ours: the pod's cgroups never land under the cgroup of the process that started containerd.
                CgroupParent = $"{cri.CgroupParent}/{name}",
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    // As the kubelet sends them for a default pod.
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
        edit?.Invoke(config);
        Directory.CreateDirectory(config.LogDirectory);
        string id = Runtime.RunPodSandbox(new RunPodSandboxRequest { Config = config, RuntimeHandler = handler }, Deadline()).PodSandboxId;
        var pod = new Pod(id, handler, config);
        _pods.Add(pod);
        return pod;
    }

    private string CreateContainer(Pod pod, string name, string script, Action<ContainerConfig>? edit = null)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = CriEngine.Image },
            Command = { "/bin/sh", "-c", script },
            LogPath = name + ".log",
            Linux = new LinuxContainerConfig
            {
                Resources = new LinuxContainerResources(),
                SecurityContext = new LinuxContainerSecurityContext { NamespaceOptions = pod.Config.Linux.SecurityContext.NamespaceOptions.Clone() },
            },
        };
        edit?.Invoke(config);
        return Runtime.CreateContainer(new CreateContainerRequest { PodSandboxId = pod.Id, Config = config, SandboxConfig = pod.Config }, Deadline()).ContainerId;
    }

    private string StartContainer(Pod pod, string name, string script, Action<ContainerConfig>? edit = null)
    {
        string id = CreateContainer(pod, name, script, edit);
        Runtime.StartContainer(new StartContainerRequest { ContainerId = id }, Deadline());
        return id;
    }

    private ContainerStatus Status(string id) =>
        Runtime.ContainerStatus(new ContainerStatusRequest { ContainerId = id }, Deadline()).Status;

    private ContainerStatus WaitUntilExited(string id, double seconds = 30)
    {
        Eventually.True(() => Status(id).State == ContainerState.ContainerExited, $"container {id} exited", seconds);
        return Status(id);
    }

    private (string Stdout, string Stderr, int ExitCode) Exec(string id, params string[] cmd)
    {
        var r = Runtime.ExecSync(new ExecSyncRequest { ContainerId = id, Cmd = { cmd }, Timeout = 30 }, Deadline());
        return (r.Stdout.ToStringUtf8(), r.Stderr.ToStringUtf8(), r.ExitCode);
    }

    /// <summary>The pid in the verbose status's "info" JSON (the sandbox's pause process or a container's init).</summary>
    private static int PidOf(IDictionary<string, string> info) =>
        JsonDocument.Parse(info["info"]).RootElement.GetProperty("pid").GetInt32();

    private int SandboxPid(Pod pod) =>
        PidOf(Runtime.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = pod.Id, Verbose = true }, Deadline()).Info);

    private int ContainerPid(string id) =>
        PidOf(Runtime.ContainerStatus(new ContainerStatusRequest { ContainerId = id, Verbose = true }, Deadline()).Info);

    /// <summary>The process's cgroup in the v1 memory hierarchy, from /proc/PID/cgroup.</summary>
    private static string MemoryCgroupOf(int pid) =>
        File.ReadAllLines($"/proc/{pid}/cgroup").Select(l => l.Split(':', 3)).First(f => f[1].Split(',').Contains("memory"))[2];

    private static string CgroupFile(string hierarchy, string cgroup, string file) =>
        File.ReadAllText($"/sys/fs/cgroup/{hierarchy}{cgroup}/{file}").Trim();

    private static string Bool(bool value) => value ? "yes" : "no";

    [Fact]
    public void RunPodSandbox_with_a_cgroup_parent_and_its_status()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler);
            PodSandboxStatus status = Runtime.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = pod.Id }, Deadline()).Status;
            int pause = SandboxPid(pod);
            // RunPodSandbox returns once the runtime's start did; the init's exec of the pause command may follow a moment later.
            string PauseCommand() => File.ReadAllText($"/proc/{pause}/cmdline").Replace('\0', ' ').Trim();
            Eventually.True(() => !PauseCommand().EndsWith(" init", StringComparison.Ordinal), "the sandbox's init exec'd the pause command");
            return new()
            {
                ["state"] = status.State.ToString(),
                ["handler is the one asked for"] = Bool(status.RuntimeHandler == handler),
                ["ip from the CNI bridge's subnet"] = Bool(status.Network.Ip.StartsWith(CriEngine.SubnetPrefix, StringComparison.Ordinal)),
                ["pause command"] = PauseCommand(),
                ["pause cgroup is cgroup_parent/id"] = Bool(MemoryCgroupOf(pause) == $"{pod.CgroupParent}/{pod.Id}"),
                ["pause has its own net ns"] = Bool(File.ResolveLinkTarget($"/proc/{pause}/ns/net", false)!.Name != File.ResolveLinkTarget("/proc/self/ns/net", false)!.Name),
            };
        }, r =>
        {
            r["state"].Should().Be(nameof(PodSandboxState.SandboxReady));
            r["handler is the one asked for"].Should().Be("yes");
            r["ip from the CNI bridge's subnet"].Should().Be("yes");
            r["pause command"].Should().Be("/bin/sleep 2147483647");
            r["pause cgroup is cgroup_parent/id"].Should().Be("yes");
            r["pause has its own net ns"].Should().Be("yes");
        });
    }

    [Fact]
    public void CreateContainer_and_StartContainer_run_it_and_its_output_goes_to_the_log_file()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler);
            string id = StartContainer(pod, "logger", "echo out; echo err >&2; exec sleep 300");
            string logFile = Path.Combine(pod.Config.LogDirectory, "logger.log");
            Eventually.True(() => File.Exists(logFile) && File.ReadAllLines(logFile).Length >= 2, "the container's log has two lines");
            ContainerStatus status = Status(id);
            // CRI log lines: "<RFC 3339 time> <stream> <F(ull)|P(artial)> <text>"; the time differs between runs.
            var lines = File.ReadAllLines(logFile).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]).Order();
            return new()
            {
                ["state"] = status.State.ToString(),
                ["log path"] = Bool(status.LogPath == logFile),
                ["log lines"] = string.Join(" | ", lines),
                ["init cgroup is cgroup_parent/id"] = Bool(MemoryCgroupOf(ContainerPid(id)) == $"{pod.CgroupParent}/{id}"),
            };
        }, r =>
        {
            r["state"].Should().Be(nameof(ContainerState.ContainerRunning));
            r["log path"].Should().Be("yes");
            r["log lines"].Should().Be("stderr F err | stdout F out");
            r["init cgroup is cgroup_parent/id"].Should().Be("yes");
        });
    }

    [Fact]
    public void ExecSync_returns_output_and_exit_code()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler);
            string id = StartContainer(pod, "exec", "exec sleep 300");
            var (stdout, stderr, code) = Exec(id, "sh", "-c", "echo hi; echo oops >&2; exit 5");
            var hostname = Exec(id, "hostname");
            return new()
            {
                ["stdout"] = stdout,
                ["stderr"] = stderr,
                ["exit code"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["hostname is the pod's"] = Bool(hostname.Stdout == pod.Config.Hostname + "\n"),
            };
        }, r =>
        {
            r["stdout"].Should().Be("hi\n");
            r["stderr"].Should().Be("oops\n");
            r["exit code"].Should().Be("5");
            r["hostname is the pod's"].Should().Be("yes");
        });
    }

    [Fact]
    public void ContainerStats_report_cpu_and_memory()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler);
            string id = StartContainer(pod, "stats", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exec sleep 300",
                c => c.Linux.Resources.MemoryLimitInBytes = 64 * MiB);
            Eventually.True(() => Runtime.ContainerStats(new ContainerStatsRequest { ContainerId = id }, Deadline()).Stats.Cpu?.UsageCoreNanoSeconds?.Value > 0,
                "the container has used some CPU");
            ContainerStats stats = Runtime.ContainerStats(new ContainerStatsRequest { ContainerId = id }, Deadline()).Stats;
            return new()
            {
                ["attributes id"] = Bool(stats.Attributes.Id == id),
                ["cpu usage > 0"] = Bool(stats.Cpu.UsageCoreNanoSeconds.Value > 0),
                ["cpu timestamp > 0"] = Bool(stats.Cpu.Timestamp > 0),
                ["memory working set > 0"] = Bool(stats.Memory.WorkingSetBytes.Value > 0),
                ["memory usage > 0 and below the limit"] = Bool(stats.Memory.UsageBytes.Value is > 0 and < 64 * MiB),
            };
        }, r => r.Values.Should().AllBe("yes"));
    }

    [Fact]
    public void ContainerStatus_after_exit_7()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler);
            ContainerStatus status = WaitUntilExited(StartContainer(pod, "seven", "exit 7"));
            return new()
            {
                ["state"] = status.State.ToString(),
                ["exit code"] = status.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["reason"] = status.Reason,
                // Not FinishedAt >= StartedAt: the CRI stamps StartedAt when the task's start returns and FinishedAt from
                // the shim's exit event, so `exit 7` may finish "before" it started, under runc as well (seen in CI).
                ["started, and finished after it was created"] = Bool(status.StartedAt > 0 && status.FinishedAt >= status.CreatedAt),
            };
        }, r =>
        {
            r["state"].Should().Be(nameof(ContainerState.ContainerExited));
            r["exit code"].Should().Be("7");
            r["reason"].Should().Be("Error");
            r["started, and finished after it was created"].Should().Be("yes");
        });
    }

    [Fact]
    public void ContainerStatus_after_an_OOM_kill_says_OOMKilled()
    {
        SortedDictionary<string, string> Observe(string handler)
        {
            Pod pod = RunPod(handler);
            // dd's 128 MiB buffer, filled from /dev/zero, cannot fit in 32 MiB (CRI sets memsw = memory: no swapping).
            string id = StartContainer(pod, "oom", "exec dd if=/dev/zero of=/dev/null bs=128M count=1",
                c => c.Linux.Resources.MemoryLimitInBytes = 32 * MiB);
            ContainerStatus status = WaitUntilExited(id, 60);
            return new()
            {
                ["state"] = status.State.ToString(),
                ["exit code"] = status.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["reason"] = status.Reason,
            };
        }

        UnderBothHandlers(handler =>
        {
            // containerd's shim may report the exit before the OOM event and CRI then says "Error" (containerd issues
            // 8180 and 12260: the engine's race, under runc as under jaula; runc gave it once in three CI runs here).
            // Another container, up to three, tells that race from a runtime that never reports the OOM kill.
            var observed = Observe(handler);
            for (int attempt = 1; attempt < 3 && observed["reason"] == "Error" && observed["exit code"] == "137"; attempt++)
            {
                output.WriteLine($"{handler}: reason Error after exit 137, containerd's OOM event race; again");
                observed = Observe(handler);
            }
            return observed;
        }, r =>
        {
            r["state"].Should().Be(nameof(ContainerState.ContainerExited));
            r["exit code"].Should().Be("137");
            r["reason"].Should().Be("OOMKilled");
        });
    }

    [Fact]
    public void UpdateContainerResources_changes_memory_and_cpu_quota_in_the_cgroup()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler);
            string id = StartContainer(pod, "update", "exec sleep 300", c =>
            {
                c.Linux.Resources.MemoryLimitInBytes = 64 * MiB;
                c.Linux.Resources.CpuPeriod = 100000;
                c.Linux.Resources.CpuQuota = 50000;
            });
            string cgroup = $"{pod.CgroupParent}/{id}";
            var result = new SortedDictionary<string, string>
            {
                ["before memory"] = CgroupFile("memory", cgroup, "memory.limit_in_bytes"),
                ["before quota"] = CgroupFile("cpu", cgroup, "cpu.cfs_quota_us"),
            };
            // containerd hands the runtime the spec's whole linux.resources (device rules too): `update --resources -`.
            Runtime.UpdateContainerResources(new UpdateContainerResourcesRequest
            {
                ContainerId = id,
                Linux = new LinuxContainerResources { MemoryLimitInBytes = 128 * MiB, CpuPeriod = 100000, CpuQuota = 20000, CpuShares = 512 },
            }, Deadline());
            result["after memory"] = CgroupFile("memory", cgroup, "memory.limit_in_bytes");
            result["after quota"] = CgroupFile("cpu", cgroup, "cpu.cfs_quota_us");
            result["after period"] = CgroupFile("cpu", cgroup, "cpu.cfs_period_us");
            result["after shares"] = CgroupFile("cpu", cgroup, "cpu.shares");
            result["still running"] = Status(id).State.ToString();
            result["devices.list"] = string.Join(",", File.ReadAllLines($"/sys/fs/cgroup/devices{cgroup}/devices.list").Order());
            return result;
        }, r =>
        {
            r["before memory"].Should().Be((64 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture));
            r["before quota"].Should().Be("50000");
            r["after memory"].Should().Be((128 * MiB).ToString(System.Globalization.CultureInfo.InvariantCulture));
            r["after quota"].Should().Be("20000");
            r["after period"].Should().Be("100000");
            r["after shares"].Should().Be("512");
            r["still running"].Should().Be(nameof(ContainerState.ContainerRunning));
            r["devices.list"].Should().NotContain("a *:* rwm");
        });
    }

    [Fact]
    public void StopContainer_lets_a_SIGTERM_trap_run()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler);
            string id = StartContainer(pod, "trap", "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 1 & wait; done");
            string logFile = Path.Combine(pod.Config.LogDirectory, "trap.log");
            Eventually.True(() => File.Exists(logFile) && File.ReadAllText(logFile).Contains("ready", StringComparison.Ordinal), "the trap is set");
            var started = DateTime.UtcNow;
            Runtime.StopContainer(new StopContainerRequest { ContainerId = id, Timeout = 20 }, Deadline());
            double seconds = (DateTime.UtcNow - started).TotalSeconds;
            ContainerStatus status = Status(id);
            return new()
            {
                ["state"] = status.State.ToString(),
                ["exit code"] = status.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["trap ran"] = Bool(File.ReadAllText(logFile).Contains("stdout F got-term", StringComparison.Ordinal)),
                ["stopped before the grace period"] = Bool(seconds < 15),
            };
        }, r =>
        {
            r["state"].Should().Be(nameof(ContainerState.ContainerExited));
            r["exit code"].Should().Be("3");
            r["trap ran"].Should().Be("yes");
            r["stopped before the grace period"].Should().Be("yes");
        });
    }

    [Fact]
    public void A_pod_sharing_its_pid_namespace_shows_the_pause_process_as_pid_1()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler, c => c.Linux.SecurityContext.NamespaceOptions.Pid = NamespaceMode.Pod);
            string id = StartContainer(pod, "shared", "exec sleep 300");
            int pause = SandboxPid(pod);
            int init = ContainerPid(id);
            return new()
            {
                ["pid 1"] = Exec(id, "cat", "/proc/1/cmdline").Stdout.Replace('\0', ' ').Trim(),
                ["sleep 300 seen"] = Bool(Exec(id, "ps").Stdout.Contains("sleep 300", StringComparison.Ordinal)),
                ["same pid ns as pause"] = Bool(ProcessInfo.PidNamespace(pause) == ProcessInfo.PidNamespace(init)),
            };
        }, r =>
        {
            r["pid 1"].Should().Be("/bin/sleep 2147483647");
            r["sleep 300 seen"].Should().Be("yes");
            r["same pid ns as pause"].Should().Be("yes");
        });
    }

    [Fact]
    public void A_host_network_pod_uses_the_host_network_namespace()
    {
        string hostNet = File.ResolveLinkTarget("/proc/self/ns/net", false)!.Name;
        UnderBothHandlers(handler =>
        {
            // As the kubelet sends a hostNetwork pod: no hostname (it keeps the host's UTS namespace; runc refuses one).
            Pod pod = RunPod(handler, c =>
            {
                c.Linux.SecurityContext.NamespaceOptions.Network = NamespaceMode.Node;
                c.Hostname = "";
            });
            string id = StartContainer(pod, "hostnet", "exec sleep 300");
            PodSandboxStatus status = Runtime.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = pod.Id }, Deadline()).Status;
            return new()
            {
                ["pod ip"] = status.Network?.Ip ?? "",
                ["container net ns is the host's"] = Bool(Exec(id, "readlink", "/proc/self/ns/net").Stdout.Trim() == hostNet),
                ["sees eth0"] = Bool(Exec(id, "cat", "/proc/net/dev").Stdout.Contains("eth0:", StringComparison.Ordinal)),
            };
        }, r =>
        {
            r["pod ip"].Should().BeEmpty();
            r["container net ns is the host's"].Should().Be("yes");
            r["sees eth0"].Should().Be("yes");
        });
    }

    [Fact]
    public void A_security_context_with_uid_1000_readonly_root_RuntimeDefault_seccomp_and_no_new_privs()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler);
            string id = StartContainer(pod, "secure", "exec sleep 300", c =>
            {
                LinuxContainerSecurityContext sc = c.Linux.SecurityContext;
                sc.RunAsUser = new Int64Value { Value = 1000 };
                sc.ReadonlyRootfs = true;
                sc.Seccomp = new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault };
                sc.NoNewPrivs = true;
            });
            var touch = Exec(id, "touch", "/probe");
            string status = Exec(id, "cat", "/proc/self/status").Stdout;
            string Line(string key) => status.Split('\n').First(l => l.StartsWith(key + ":", StringComparison.Ordinal)).Split('\t', 2)[1].Trim();
            return new()
            {
                ["id"] = Exec(id, "id", "-u").Stdout.Trim(),
                ["init uid"] = Exec(id, "stat", "-c", "%u", "/proc/1").Stdout.Trim(),
                ["touch / exit code"] = touch.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["touch / refused as read-only"] = Bool(touch.Stderr.Contains("Read-only file system", StringComparison.Ordinal)),
                ["Seccomp"] = Line("Seccomp"),
                ["NoNewPrivs"] = Line("NoNewPrivs"),
                ["CapEff"] = Line("CapEff"),
            };
        }, r =>
        {
            r["id"].Should().Be("1000");
            r["init uid"].Should().Be("1000");
            r["touch / exit code"].Should().Be("1");
            r["touch / refused as read-only"].Should().Be("yes");
            r["Seccomp"].Should().Be("2");
            r["NoNewPrivs"].Should().Be("1");
            r["CapEff"].Should().Be("0000000000000000");
        });
    }

    [Fact]
    public void Stop_and_remove_of_everything_leaves_nothing_behind()
    {
        UnderBothHandlers(handler =>
        {
            Pod pod = RunPod(handler);
            string a = StartContainer(pod, "a", "exec sleep 300");
            string b = StartContainer(pod, "b", "sleep 300 & sleep 300 & wait");
            Exec(b, "true");
            foreach (string id in new[] { a, b })
            {
                Runtime.StopContainer(new StopContainerRequest { ContainerId = id, Timeout = 2 }, Deadline());
            }
            string stopped = string.Join(",", new[] { a, b }.Select(id => Status(id).State.ToString()));
            foreach (string id in new[] { a, b })
            {
                Runtime.RemoveContainer(new RemoveContainerRequest { ContainerId = id }, Deadline());
            }
            int left = Runtime.ListContainers(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = pod.Id } }, Deadline()).Containers.Count;
            cri.RemovePod(pod.Id);
            _pods.Remove(pod);
            var gone = Assert.Throws<RpcException>(() => Runtime.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = pod.Id }, Deadline()));
            return new()
            {
                ["stopped"] = stopped,
                ["containers left in the pod"] = left.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["sandbox status after removal"] = gone.StatusCode.ToString(),
                ["left behind"] = string.Join("; ", LeftBehind(pod, [a, b])),
            };
        }, r =>
        {
            r["stopped"].Should().Be($"{nameof(ContainerState.ContainerExited)},{nameof(ContainerState.ContainerExited)}");
            r["containers left in the pod"].Should().Be("0");
            r["sandbox status after removal"].Should().Be(nameof(StatusCode.NotFound));
            r["left behind"].Should().BeEmpty();
        });
    }

    /// <summary>What a removed pod left: cgroups, mounts, netns files, bridge ports, processes, runtime state.</summary>
    private List<string> LeftBehind(Pod pod, IReadOnlyCollection<string> containers)
    {
        var left = new List<string>();
        string[] ids = [pod.Id, .. containers];
        // The shim exits a moment after the sandbox is removed.
        try
        {
            Eventually.True(() => !ProcessesMentioning(pod.Id).Any(), $"no process mentions pod {pod.Id}", 15);
        }
        catch (Xunit.Sdk.XunitException)
        {
            left.AddRange(ProcessesMentioning(pod.Id).Select(p => $"process {p}"));
        }
        left.AddRange(HostCgroupTree.Directories(pod.CgroupParent)
            .SelectMany(d => Directory.EnumerateDirectories(d)).Select(d => $"cgroup {d}"));
        left.AddRange(ids.SelectMany(MountTable.LinesMentioning).Select(l => $"mount {l}"));
        if (Directory.Exists(cri.NetnsDir))
        {
            left.AddRange(Directory.EnumerateFileSystemEntries(cri.NetnsDir).Select(f => $"netns file {f}"));
        }
        string ports = $"/sys/class/net/{cri.Bridge}/brif";
        if (Directory.Exists(ports))
        {
            left.AddRange(Directory.EnumerateFileSystemEntries(ports).Select(p => $"bridge port {Path.GetFileName(p)}"));
        }
        string root = cri.RuntimeRoot(pod.Handler);
        left.AddRange(ids.Where(id => Path.Exists(Path.Combine(root, id))).Select(id => $"runtime state {root}/{id}"));
        return left;
    }

    private static IEnumerable<int> ProcessesMentioning(string marker) =>
        ProcessInfo.All().Where(p => !p.IsZombie && p.Pid != Environment.ProcessId).Where(p =>
        {
            try
            {
                return File.ReadAllText($"/proc/{p.Pid}/cmdline").Contains(marker, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        }).Select(p => p.Pid);

    /// <summary>Removes this case's pods and fails if any of them left something behind.</summary>
    public void Dispose()
    {
        // All pods first: netns files and bridge ports are checked for the whole engine, not per pod.
        var removed = new List<(Pod Pod, List<string> Containers)>();
        foreach (Pod pod in _pods)
        {
            var containers = Runtime.ListContainers(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = pod.Id } }, Deadline())
                .Containers.Select(c => c.Id).ToList();
            cri.RemovePod(pod.Id);
            removed.Add((pod, containers));
        }
        var left = new List<string>();
        foreach (var (pod, containers) in removed)
        {
            left.AddRange(LeftBehind(pod, containers));
            HostCgroupTree.Remove(pod.CgroupParent);
        }
        left.Should().BeEmpty("removing a pod removes everything of it");
    }
}
