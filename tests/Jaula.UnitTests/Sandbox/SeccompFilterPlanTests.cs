using FluentAssertions;
using Jaula.Linux;
using Jaula.Oci;
using Jaula.Sandbox;
using Jaula.Sandbox.Seccomp;
using Xunit;

namespace Jaula.UnitTests.Sandbox;

public class SeccompFilterPlanTests
{
    private static SeccompSyscall Syscall(string action, params string[] names) => new() { Names = [.. names], Action = action };

    private static SeccompArg Arg(uint index, string op, ulong value, ulong? two = null) => new() { Index = index, Op = op, Value = value, ValueTwo = two };

    [Theory]
    [InlineData("SCMP_ACT_KILL", null, 0x00000000u)]
    [InlineData("SCMP_ACT_KILL_THREAD", null, 0x00000000u)]
    [InlineData("SCMP_ACT_KILL_PROCESS", null, 0x80000000u)]
    [InlineData("SCMP_ACT_TRAP", null, 0x00030000u)]
    [InlineData("SCMP_ACT_ERRNO", null, 0x00050001u)]
    [InlineData("SCMP_ACT_ERRNO", 38u, 0x00050026u)]
    [InlineData("SCMP_ACT_TRACE", 2u, 0x7ff00002u)]
    [InlineData("SCMP_ACT_LOG", null, 0x7ffc0000u)]
    [InlineData("SCMP_ACT_ALLOW", null, 0x7fff0000u)]
    public void Actions_become_the_kernel_return_values(string action, uint? errno, uint expected)
    {
        var plan = SeccompFilterPlan.From(new SeccompSpec { DefaultAction = action, DefaultErrnoRet = errno });

        plan.Filter.DefaultAction.Should().Be(expected);
    }

    [Fact]
    public void Rules_with_the_default_action_are_dropped_and_each_name_is_a_rule()
    {
        var plan = SeccompFilterPlan.From(new SeccompSpec
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [Syscall("SCMP_ACT_ALLOW", "read"), Syscall("SCMP_ACT_ERRNO", "mkdir", "mkdirat")],
        });

        plan.Filter.Rules.Select(r => r.Name).Should().Equal("mkdir", "mkdirat");
        plan.RuleFields.Should().Equal("linux.seccomp.syscalls[1].names[0]", "linux.seccomp.syscalls[1].names[1]");
    }

    [Fact]
    public void Comparisons_of_different_arguments_are_anded_in_one_rule()
    {
        var syscall = Syscall("SCMP_ACT_ERRNO", "kill");
        syscall.Args = [Arg(0, "SCMP_CMP_GT", 1), Arg(1, "SCMP_CMP_MASKED_EQ", 3, 1)];

        var plan = SeccompFilterPlan.From(new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [syscall] });

        plan.Filter.Rules.Should().ContainSingle().Which.Args.Should().Equal(
            new SeccompArgCompare(0, 6, 1, 0), new SeccompArgCompare(1, 7, 3, 1));
    }

    [Fact]
    public void Comparisons_repeating_an_argument_become_one_rule_each()
    {
        var syscall = Syscall("SCMP_ACT_ERRNO", "kill");
        syscall.Args = [Arg(1, "SCMP_CMP_EQ", 17), Arg(1, "SCMP_CMP_EQ", 28)];

        var plan = SeccompFilterPlan.From(new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [syscall] });

        plan.Filter.Rules.Should().HaveCount(2);
        plan.Filter.Rules.Should().OnlyContain(r => r.Args.Count == 1);
    }

    [Fact]
    public void Notify_adds_the_listener_flag_and_flags_map_to_seccomp_bits()
    {
        var plan = SeccompFilterPlan.From(new SeccompSpec
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            ListenerPath = "/run/agent.sock",
            Flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"],
            Syscalls = [Syscall("SCMP_ACT_NOTIFY", "mkdir")],
        });

        plan.Listener.Should().BeTrue();
        plan.Flags.Should().Be(SeccompInterop.FlagLog | SeccompInterop.FlagSpecAllow | SeccompInterop.FlagWaitKillableRecv | SeccompInterop.FlagNewListener);
    }

    [Fact]
    public void Architectures_use_libseccomp_names()
    {
        var plan = SeccompFilterPlan.From(new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_MIPSEL64N32"] });

        plan.Filter.Architectures.Should().Equal("x86_64", "x32", "mipsel64n32");
    }

    public static TheoryData<SeccompSpec, string> Refusals => new()
    {
        { new SeccompSpec { DefaultAction = "SCMP_ACT_NOPE" }, "linux.seccomp.defaultAction" },
        { new SeccompSpec { DefaultAction = "SCMP_ACT_NOTIFY", ListenerPath = "/x" }, "linux.seccomp.defaultAction" },
        { new SeccompSpec { DefaultAction = "SCMP_ACT_ERRNO", DefaultErrnoRet = 70000 }, "linux.seccomp.defaultErrnoRet" },
        { new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [Syscall("SCMP_ACT_NOTIFY", "mkdir")] }, "linux.seccomp.listenerPath" },
        { new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", ListenerPath = "/x", Syscalls = [Syscall("SCMP_ACT_NOTIFY", "write")] }, "linux.seccomp.syscalls[0].names" },
        { new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"] }, "linux.seccomp.flags" },
        { new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Flags = ["SECCOMP_FILTER_FLAG_NOPE"] }, "linux.seccomp.flags[0]" },
        { new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [new SeccompSyscall { Names = ["kill"], Action = "SCMP_ACT_ERRNO", Args = [Arg(0, "SCMP_CMP_ALMOST", 1)] }] }, "linux.seccomp.syscalls[0].args[0].op" },
        { new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [new SeccompSyscall { Names = ["kill"], Action = "SCMP_ACT_ERRNO", Args = [Arg(6, "SCMP_CMP_EQ", 1)] }] }, "linux.seccomp.syscalls[0].args[0].index" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refusals_name_the_field(SeccompSpec spec, string field)
    {
        var refuse = () => SeccompFilterPlan.From(spec);

        refuse.Should().Throw<ContainerSetupException>().Which.Field.Should().Be(field);
    }
}
