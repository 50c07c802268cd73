using System.Text.Json.Nodes;
using FluentAssertions;
using Jaula.IntegrationTests.Harness;
using Xunit;

namespace Jaula.IntegrationTests.Tests;

/// <summary>
/// The mistakes users make most, each answered with one line that names the container, the config field as a JSON
/// path, the cause, and what to do — and nothing left behind (the harness checks that).
/// </summary>
public sealed class ErrorsThatTeachTests(StateRoot stateRoot) : ContainerTest(stateRoot)
{
    [Fact]
    public void An_rlimit_above_the_hosts_hard_limit_names_the_limit_and_the_most_it_may_ask()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Process["rlimits"] = new JsonArray(
            new JsonObject { ["type"] = "RLIMIT_NOFILE", ["hard"] = 1048576, ["soft"] = 1048576 }), "true");

        Jaula.Create(id, bundle).ShouldFailWith(
            $"create {id}: process.rlimits[0]: RLIMIT_NOFILE hard limit 1048576 is above the host's hard limit 20000",
            "CAP_SYS_RESOURCE", "ask for at most 20000");
    }

    [Fact]
    public void A_terminal_without_devpts_in_the_container_says_to_mount_it()
    {
        string id = NewId();
        using var receiver = new ConsoleSocketReceiver();
        Bundle bundle = NewBundle(b =>
        {
            b.Process["terminal"] = true;
            var mounts = b.Config["mounts"]!.AsArray();
            mounts.Remove(mounts.Single(m => (string?)m!["destination"] == "/dev/pts"));
        }, "true");

        Jaula.Create(id, bundle, "--console-socket", receiver.Path).ShouldFailWith(
            $"create {id}: process.terminal: cannot open a pty: open /dev/ptmx: No such file or directory (is devpts mounted on /dev/pts?)");
    }

    [Fact]
    public void An_executable_missing_from_the_rootfs_names_the_search_path_and_the_fix()
    {
        string id = NewId();

        Jaula.Create(id, NewBundle("nosuchtool")).ShouldFailWith(
            $"create {id}: process.args[0]: \"nosuchtool\": executable file not found in $PATH (/usr/local/sbin:",
            "install it in the rootfs or give its absolute path");
    }

    [Fact]
    public void A_missing_mount_source_names_the_mount_entry_and_the_path()
    {
        string id = NewId();
        int index = -1;
        Bundle bundle = NewBundle(b => index = b.AddMount("/data", "/nonexistent/jaula-src", "bind", "bind"), "true");

        Jaula.Create(id, bundle).ShouldFailWith(
            $"create {id}: mounts[{index}]: bind source /nonexistent/jaula-src: no such file or directory",
            "create it on the host or correct the source");
    }

    [Fact]
    public void A_controller_this_host_has_not_mounted_names_the_field_the_controller_and_where_to_look()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["resources"] = new JsonObject { ["network"] = new JsonObject { ["classID"] = 1048577 } }, "true");

        Jaula.Create(id, bundle).ShouldFailWith(
            $"create {id}: linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host",
            "`jaula check` shows how");
    }

    [Fact]
    public void A_capability_outside_the_hosts_bounding_set_is_named_with_the_set_it_was_asked_for()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b =>
        {
            var caps = b.Process["capabilities"]!.AsObject();
            foreach (string set in new[] { "bounding", "effective", "permitted" })
                caps[set]!.AsArray().Add("CAP_SYS_RESOURCE");
        }, "true");

        Jaula.Create(id, bundle).ShouldFailWith($"create {id}: process.capabilities.", "CAP_SYS_RESOURCE", "bounding set");
    }

    [Fact]
    public void A_syscall_name_libseccomp_does_not_know_is_named_in_a_warning_and_the_container_runs()
    {
        string id = NewId();
        Bundle bundle = NewBundle(b => b.Linux["seccomp"] = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["syscalls"] = new JsonArray(new JsonObject
            {
                ["names"] = new JsonArray("mkdir", "jaula_no_such_syscall"),
                ["action"] = "SCMP_ACT_ERRNO",
            }),
        }, "true");

        CommandResult result = Jaula.Run(id, bundle);

        result.ShouldSucceed().Stderr.Should().Contain("linux.seccomp.syscalls[0].names[1] \"jaula_no_such_syscall\"")
            .And.Contain("their rules have no effect");
    }
}
