using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The remaining process and kernel fields, each observed from inside the container: personality, scheduler, I/O
/// priority, memory policy, domainname, execCPUAffinity, annotations in state; and the refusals that name the field.
/// </summary>
public sealed class ProcessAttributeTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void Personality_LINUX32_makes_uname_report_i686()
    {
        CommandResult result = RunScript("uname -m", b => b.Linux["personality"] = new JsonObject { ["domain"] = "LINUX32" });

        result.ShouldSucceed().Stdout.Trim().Should().Be("i686");
    }

    [Fact]
    public void Personality_LINUX_keeps_the_native_machine()
    {
        CommandResult result = RunScript("uname -m", b => b.Linux["personality"] = new JsonObject { ["domain"] = "LINUX" });

        result.ShouldSucceed().Stdout.Trim().Should().Be("x86_64");
    }

    [Fact]
    public void Personality_flags_are_refused_naming_the_field()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["personality"] = new JsonObject { ["domain"] = "LINUX", ["flags"] = new JsonArray("ADDR_NO_RANDOMIZE") }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.personality.flags");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    /// <summary>/proc/self/stat field 19 is the nice value, field 41 the policy, field 18 the priority as the kernel keeps it.</summary>
    [Fact]
    public void Scheduler_batch_with_a_nice_value_is_what_the_process_runs_with()
    {
        CommandResult result = RunScript("cut -d ' ' -f 19,41 /proc/self/stat", b =>
            b.Process["scheduler"] = new JsonObject { ["policy"] = "SCHED_BATCH", ["nice"] = 7 });

        // `cut` is a child of the shell: both inherit the policy (3 = SCHED_BATCH) and the nice value.
        result.ShouldSucceed().Stdout.Trim().Should().Be("7 3");
    }

    [Fact]
    public void Scheduler_fifo_sets_the_realtime_priority()
    {
        // With RT group scheduling (cgroup v1 here) a new cpu cgroup has no real-time bandwidth: the container asks
        // for some, and its parent (the suite's own /jaula-it) must have it to give.
        string parent = CgroupPlacement.Hierarchies + "/cpu" + CgroupPlacement.Parent;
        Directory.CreateDirectory(parent);
        File.WriteAllText(Path.Join(parent, "cpu.rt_runtime_us"), "100000");
        CommandResult result = RunScript("cut -d ' ' -f 18,41 /proc/self/stat", b =>
        {
            b.Process["scheduler"] = new JsonObject { ["policy"] = "SCHED_FIFO", ["priority"] = 10 };
            b.Linux["resources"] = new JsonObject { ["cpu"] = new JsonObject { ["realtimeRuntime"] = 10000 } };
        });

        // The kernel shows a real-time priority p as -1 - p in field 18; policy 1 = SCHED_FIFO.
        result.ShouldSucceed().Stdout.Trim().Should().Be("-11 1");
    }

    [Fact]
    public void A_scheduler_the_kernel_refuses_fails_create_naming_the_field()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Process["scheduler"] = new JsonObject { ["policy"] = "SCHED_FIFO", ["priority"] = 0 }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "process.scheduler", "Invalid argument");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void IoPriority_is_what_ionice_reads_inside()
    {
        CommandResult result = RunScript("ionice -p $$", b =>
            b.Process["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_BE", ["priority"] = 6 });

        result.ShouldSucceed().Stdout.Trim().Should().Be("best-effort: prio 6");
    }

    [Fact]
    public void IoPriority_idle_class()
    {
        CommandResult result = RunScript("ionice -p $$", b =>
            b.Process["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_IDLE", ["priority"] = 0 });

        result.ShouldSucceed().Stdout.Trim().Should().StartWith("idle");
    }

    /// <summary>numa_maps names each mapping's policy; anonymous and file mappings alike follow the task's.</summary>
    [Fact]
    public void MemoryPolicy_bind_shows_in_numa_maps()
    {
        CommandResult result = RunScript("head -n 1 /proc/self/numa_maps", b =>
            b.Linux["memoryPolicy"] = new JsonObject { ["mode"] = "MPOL_BIND", ["nodes"] = "0" });

        result.ShouldSucceed().Stdout.Split(' ')[1].Should().Be("bind:0");
    }

    [Fact]
    public void MemoryPolicy_on_a_node_this_host_lacks_fails_naming_the_field()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["memoryPolicy"] = new JsonObject { ["mode"] = "MPOL_BIND", ["nodes"] = "63" }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.memoryPolicy");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void Domainname_is_set_in_the_containers_uts_namespace()
    {
        string hostDomain = File.ReadAllText("/proc/sys/kernel/domainname");

        CommandResult result = RunScript("cat /proc/sys/kernel/domainname", b => b.Config["domainname"] = "jaula.example");

        result.ShouldSucceed().Stdout.Trim().Should().Be("jaula.example");
        File.ReadAllText("/proc/sys/kernel/domainname").Should().Be(hostDomain);
    }

    /// <summary>config.md: execCPUAffinity "is not applicable to the container's init process" (it is for exec).</summary>
    [Fact]
    public void ExecCpuAffinity_leaves_the_init_process_affinity_alone()
    {
        string host = StatusLine(File.ReadAllText("/proc/self/status"), "Cpus_allowed_list");

        CommandResult result = RunScript("cat /proc/self/status", b =>
            b.Process["execCPUAffinity"] = new JsonObject { ["initial"] = "0", ["final"] = "0" });

        StatusLine(result.ShouldSucceed().Stdout, "Cpus_allowed_list").Should().Be(host);
    }

    [Fact]
    public void Time_offsets_of_both_clocks_show_in_timens_offsets()
    {
        CommandResult result = RunScript("cat /proc/self/timens_offsets", b =>
        {
            b.SetNamespace("time");
            b.Linux["timeOffsets"] = new JsonObject
            {
                ["monotonic"] = new JsonObject { ["secs"] = 3600, ["nanosecs"] = 5 },
                ["boottime"] = new JsonObject { ["secs"] = 86400, ["nanosecs"] = 0 },
            };
        });

        result.ShouldSucceed().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .Should().BeEquivalentTo("monotonic 3600 5", "boottime 86400 0");
    }

    [Fact]
    public void Annotations_are_carried_into_state()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Config["annotations"] = new JsonObject { ["org.example.key"] = "value", ["com.jaula.test"] = "2" }, "true");

        Jaula.Create(id, bundle).ShouldSucceed();

        var annotations = Jaula.State(id).Json["annotations"]!.AsObject();
        ((string)annotations["org.example.key"]!).Should().Be("value");
        ((string)annotations["com.jaula.test"]!).Should().Be("2");
    }

    [Fact]
    public void A_sysctl_that_is_not_namespaced_is_refused_before_anything_starts()
    {
        string id = NewId();
        string before = File.ReadAllText("/proc/sys/kernel/panic");
        Bundle bundle = NewBundle(b => b.Linux["sysctl"] = new JsonObject { ["kernel.panic"] = "17" }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.sysctl[\"kernel.panic\"]", "not a namespaced sysctl");

        File.ReadAllText("/proc/sys/kernel/panic").Should().Be(before);
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    [Fact]
    public void A_network_sysctl_without_a_network_namespace_is_refused()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            var namespaces = b.Linux["namespaces"]!.AsArray();
            namespaces.Remove(namespaces.First(n => (string?)n!["type"] == "network"));
            b.Linux["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = "1" };
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.sysctl[\"net.ipv4.ip_forward\"]", "network namespace");
    }

    [Fact]
    public void An_ipc_sysctl_is_set_in_the_containers_ipc_namespace()
    {
        string host = File.ReadAllText("/proc/sys/kernel/shmmni");

        CommandResult result = RunScript("cat /proc/sys/kernel/shmmni", b => b.Linux["sysctl"] = new JsonObject { ["kernel.shmmni"] = "1234" });

        result.ShouldSucceed().Stdout.Trim().Should().Be("1234");
        File.ReadAllText("/proc/sys/kernel/shmmni").Should().Be(host);
    }

    [Fact]
    public void IntelRdt_without_resctrl_is_refused_naming_the_field()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["intelRdt"] = new JsonObject { ["closID"] = "jaula-it" }, "true");

        // This host has no resctrl mount: the refusal comes before anything is made, and says how to get one.
        File.ReadAllText("/proc/self/mountinfo").Should().NotContain(" - resctrl ");
        Jaula.Create(id, bundle).ShouldFailWith(id, "linux.intelRdt", "Intel RDT is not available: resctrl is not mounted");
        Jaula.StateRaw(id).ShouldFailWith("container does not exist");
    }

    private static string StatusLine(string status, string key) =>
        status.Split('\n').Single(l => l.StartsWith(key + ":", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
}
