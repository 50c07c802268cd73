namespace Jaula.Oci.Tests.Validation;

public class ProcessRuleTests
{
    [Fact]
    public void Process_may_be_absent_at_create() =>
        Specs.ProblemsAfter(s => s.Process = null).Should().BeEmpty();

    [Fact]
    public void Args_must_not_be_missing() =>
        Specs.ProblemsAfter(s => s.Process!.Args = null).ShouldReport("process.args", "must not be empty");

    [Fact]
    public void Args_must_not_be_empty() =>
        Specs.ProblemsAfter(s => s.Process!.Args = []).ShouldReport("process.args", "the first entry is the program");

    [Fact]
    public void Program_must_not_be_an_empty_string() =>
        Specs.ProblemsAfter(s => s.Process!.Args = ["", "x"]).ShouldReport("process.args[0]", "must not be empty");

    [Fact]
    public void Args_must_not_hold_null() =>
        Specs.ProblemsAfter(s => s.Process!.Args = ["sh", null!]).ShouldReport("process.args[1]", "must not be null");

    [Theory]
    [InlineData("")]
    [InlineData("home")]
    [InlineData("./home")]
    public void Cwd_must_be_absolute(string cwd) =>
        Specs.ProblemsAfter(s => s.Process!.Cwd = cwd).ShouldReport("process.cwd", "must be an absolute path");

    [Theory]
    [InlineData("A=")]
    [InlineData("A=b=c")]
    [InlineData("lower_case=1")]
    public void Env_entries_of_the_form_key_value_are_accepted(string entry) =>
        Specs.ProblemsAfter(s => s.Process!.Env = [entry]).Should().BeEmpty();

    [Theory]
    [InlineData("A")]
    [InlineData("=b")]
    [InlineData("")]
    public void Env_entries_without_a_key_are_refused(string entry) =>
        Specs.ProblemsAfter(s => s.Process!.Env = ["OK=1", entry]).ShouldReport("process.env[1]", "KEY=VALUE");

    [Fact]
    public void User_is_required() =>
        Specs.ProblemsAfter(s => s.Process!.User = null).ShouldReport("process.user", "is required");

    [Theory]
    [InlineData(0u)]
    [InlineData(18u)]
    [InlineData(511u)]
    public void Umask_up_to_0777_is_accepted(uint umask) =>
        Specs.ProblemsAfter(s => s.Process!.User!.Umask = umask).Should().BeEmpty();

    [Fact]
    public void Umask_above_0777_is_refused() =>
        Specs.ProblemsAfter(s => s.Process!.User!.Umask = 512).ShouldReport("process.user.umask", "at most 511");

    [Fact]
    public void Every_linux_capability_name_is_accepted() =>
        Specs.ProblemsAfter(s => s.Process!.Capabilities = new CapabilitiesSpec { Ambient = [.. LinuxCapabilities.Names] })
            .Should().BeEmpty();

    [Fact]
    public void There_are_41_capabilities_from_chown_to_checkpoint_restore()
    {
        LinuxCapabilities.Names.Should().HaveCount(41);
        LinuxCapabilities.TryGetNumber("CAP_CHOWN", out var chown).Should().BeTrue();
        LinuxCapabilities.TryGetNumber("CAP_SYS_ADMIN", out var sysAdmin).Should().BeTrue();
        LinuxCapabilities.TryGetNumber("CAP_CHECKPOINT_RESTORE", out var last).Should().BeTrue();
        (chown, sysAdmin, last).Should().Be((0, 21, 40));
    }

    [Theory]
    [InlineData("CAP_FOO", "CAP_CHOWN through CAP_CHECKPOINT_RESTORE")]
    [InlineData("NET_ADMIN", "did you mean \"CAP_NET_ADMIN\"?")]
    [InlineData("cap_kill", "did you mean \"CAP_KILL\"?")]
    public void Unknown_capability_names_are_refused_with_a_hint(string name, string hint)
    {
        var problems = Specs.ProblemsAfter(s => s.Process!.Capabilities = new CapabilitiesSpec { Permitted = ["CAP_KILL", name] });

        problems.ShouldReport("process.capabilities.permitted[1]", $"unknown capability \"{name}\"");
        problems[0].Message.Should().Contain(hint);
    }

    [Fact]
    public void Every_capability_set_is_checked()
    {
        var problems = Specs.ProblemsAfter(s => s.Process!.Capabilities = new CapabilitiesSpec
        {
            Bounding = ["X"], Effective = ["X"], Inheritable = ["X"], Permitted = ["X"], Ambient = ["X"],
        });

        problems.Select(p => p.Field).Should().Equal(
            "process.capabilities.bounding[0]", "process.capabilities.effective[0]",
            "process.capabilities.inheritable[0]", "process.capabilities.permitted[0]", "process.capabilities.ambient[0]");
    }

    [Fact]
    public void Unknown_rlimit_types_are_refused() =>
        Specs.ProblemsAfter(s => s.Process!.Rlimits = [new RlimitSpec { Type = "RLIMIT_NOFILES", Soft = 1, Hard = 1 }])
            .ShouldReport("process.rlimits[0].type", "unknown resource \"RLIMIT_NOFILES\"");

    [Fact]
    public void Every_rlimit_type_is_known() =>
        Specs.ProblemsAfter(s => s.Process!.Rlimits = LinuxRlimits.Names.Select(n => new RlimitSpec { Type = n, Soft = 0, Hard = 0 }).ToList())
            .Should().BeEmpty();

    [Fact]
    public void Rlimit_types_may_appear_once() =>
        Specs.ProblemsAfter(s => s.Process!.Rlimits =
            [
                new RlimitSpec { Type = "RLIMIT_CORE", Soft = 0, Hard = 0 },
                new RlimitSpec { Type = "RLIMIT_NOFILE", Soft = 1, Hard = 1 },
                new RlimitSpec { Type = "RLIMIT_NOFILE", Soft = 2, Hard = 2 },
            ])
            .ShouldReport("process.rlimits[2].type", "already set by process.rlimits[1]");

    [Fact]
    public void Soft_rlimit_must_not_exceed_hard() =>
        Specs.ProblemsAfter(s => s.Process!.Rlimits = [new RlimitSpec { Type = "RLIMIT_NOFILE", Soft = 2, Hard = 1 }])
            .ShouldReport("process.rlimits[0].soft", "must not exceed the hard limit (1)");

    [Theory]
    [InlineData(-1001)]
    [InlineData(1001)]
    public void OomScoreAdj_outside_the_kernel_range_is_refused(int value) =>
        Specs.ProblemsAfter(s => s.Process!.OomScoreAdj = value).ShouldReport("process.oomScoreAdj", "between -1000 and 1000");

    [Fact]
    public void Scheduler_policy_must_be_known() =>
        Specs.ProblemsAfter(s => s.Process!.Scheduler = new SchedulerSpec { Policy = "SCHED_FAST" })
            .ShouldReport("process.scheduler.policy", "unknown policy \"SCHED_FAST\"");

    [Fact]
    public void Scheduler_flags_must_be_known() =>
        Specs.ProblemsAfter(s => s.Process!.Scheduler = new SchedulerSpec { Policy = "SCHED_RR", Flags = ["SCHED_FLAG_X"] })
            .ShouldReport("process.scheduler.flags[0]", "unknown flag");

    [Fact]
    public void Scheduler_nice_must_be_within_minus_20_and_19() =>
        Specs.ProblemsAfter(s => s.Process!.Scheduler = new SchedulerSpec { Policy = "SCHED_OTHER", Nice = 20 })
            .ShouldReport("process.scheduler.nice", "between -20 and 19");

    [Fact]
    public void Io_priority_class_must_be_known() =>
        Specs.ProblemsAfter(s => s.Process!.IoPriority = new IoPrioritySpec { Class = "IOPRIO_CLASS_NONE" })
            .ShouldReport("process.ioPriority.class", "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE");

    [Fact]
    public void Io_priority_must_be_within_0_and_7() =>
        Specs.ProblemsAfter(s => s.Process!.IoPriority = new IoPrioritySpec { Class = "IOPRIO_CLASS_BE", Priority = 8 })
            .ShouldReport("process.ioPriority.priority", "between 0 (highest) and 7 (lowest)");

    [Fact]
    public void Exec_cpu_affinity_must_be_a_cpu_list() =>
        Specs.ProblemsAfter(s => s.Process!.ExecCpuAffinity = new ExecCpuAffinity { Initial = "0-3", Final = "all" })
            .ShouldReport("process.execCPUAffinity.final", "CPU list");
}
