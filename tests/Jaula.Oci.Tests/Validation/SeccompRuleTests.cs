namespace Jaula.Oci.Tests.Validation;

public class SeccompRuleTests
{
    [Fact]
    public void A_typical_filter_is_accepted() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec
        {
            DefaultAction = "SCMP_ACT_ERRNO",
            DefaultErrnoRet = 1,
            Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"],
            Flags = ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
            Syscalls =
            [
                new SeccompSyscall { Names = ["read", "write"], Action = "SCMP_ACT_ALLOW" },
                new SeccompSyscall
                {
                    Names = ["clone"], Action = "SCMP_ACT_ALLOW",
                    Args = [new SeccompArg { Index = 0, Value = 0x7E020000, Op = "SCMP_CMP_MASKED_EQ", ValueTwo = 0 }],
                },
            ],
        }).Should().BeEmpty();

    [Fact]
    public void Default_action_must_be_known() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec { DefaultAction = "ALLOW" })
            .ShouldReport("linux.seccomp.defaultAction", "unknown action \"ALLOW\"");

    [Fact]
    public void Errno_only_goes_with_actions_that_return_one() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec { DefaultAction = "SCMP_ACT_KILL", DefaultErrnoRet = 1 })
            .ShouldReport("linux.seccomp.defaultErrnoRet", "only applies to SCMP_ACT_ERRNO and SCMP_ACT_TRACE");

    [Fact]
    public void Syscall_errno_only_goes_with_actions_that_return_one() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new SeccompSyscall { Names = ["mount"], Action = "SCMP_ACT_LOG", ErrnoRet = 1 }],
        }).ShouldReport("linux.seccomp.syscalls[0].errnoRet", "but the action is SCMP_ACT_LOG");

    [Fact]
    public void Architectures_must_be_known() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Architectures = ["x86_64"] })
            .ShouldReport("linux.seccomp.architectures[0]", "unknown architecture \"x86_64\"");

    [Fact]
    public void Flags_must_be_known() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", Flags = ["TSYNC"] })
            .ShouldReport("linux.seccomp.flags[0]", "unknown flag \"TSYNC\"");

    [Fact]
    public void Listener_metadata_needs_a_listener_path() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec { DefaultAction = "SCMP_ACT_ALLOW", ListenerMetadata = "x" })
            .ShouldReport("linux.seccomp.listenerMetadata", "must not be set without listenerPath");

    [Fact]
    public void Rules_must_name_a_syscall() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new SeccompSyscall { Names = [], Action = "SCMP_ACT_ERRNO" }],
        }).ShouldReport("linux.seccomp.syscalls[0].names", "at least one syscall name");

    [Fact]
    public void Argument_index_is_at_most_5() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new SeccompSyscall { Names = ["ioctl"], Action = "SCMP_ACT_ERRNO", Args = [new SeccompArg { Index = 6, Value = 1, Op = "SCMP_CMP_EQ" }] }],
        }).ShouldReport("linux.seccomp.syscalls[0].args[0].index", "between 0 and 5");

    [Fact]
    public void Argument_operator_must_be_known() =>
        Specs.ProblemsAfter(s => s.Linux!.Seccomp = new SeccompSpec
        {
            DefaultAction = "SCMP_ACT_ALLOW",
            Syscalls = [new SeccompSyscall { Names = ["ioctl"], Action = "SCMP_ACT_ERRNO", Args = [new SeccompArg { Index = 1, Value = 1, Op = "EQ" }] }],
        }).ShouldReport("linux.seccomp.syscalls[0].args[0].op", "unknown operator \"EQ\"");
}
