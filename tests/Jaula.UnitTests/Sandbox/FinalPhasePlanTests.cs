using System.Buffers.Binary;
using System.Diagnostics;
using FluentAssertions;
using Xunit;
using Jaula.Sandbox;
using Jaula.Sandbox.Capabilities;
using Jaula.Sandbox.Process;

namespace Jaula.UnitTests.Sandbox;

/// <summary>
/// The final phase's plan: encoded by C# (FinalPhasePlan), decoded by native/final_phase.c, compiled here with gcc
/// into a small driver that prints what it decoded. A plan that does not decode is refused as a whole.
/// </summary>
public sealed class FinalPhasePlanTests
{
    private static readonly PlanCheckDriver s_driver = new("final_plan_check.c", "final_phase.c", "final_plan_check");

    private static FinalPhasePlan Sample(IReadOnlyList<string>? env = null) => new()
    {
        Uid = 1000,
        Gid = 1001,
        Groups = [10, 20, 30],
        Capabilities = new CapabilitySet(0, 0x5, 0x7, 0x4, 0x4),
        NoNewPrivileges = true,
        Bpf = new byte[16],
        SeccompFlags = 2,
        FifoFd = 7,
        KeepFdsFrom = 5,
        Personality = 8,
        Path = "/bin/sh",
        ContainerId = "c1",
        Argv = ["sh", "-c", "echo \"ü\""],
        Env = env ?? ["PATH=/bin", "HOME=/"],
    };

    [Fact]
    public void A_plan_decodes_to_what_was_encoded()
    {
        var output = Decode(Sample().Encode());

        output.Should().Contain("rc=0");
        output.Should().Contain("flags=11 uid=1000 gid=1001 fifo=7 report=-1 dir=-1 keep=5 personality=8 seccomp=2"); // NNP|SETGROUPS|PERSONALITY
        output.Should().Contain("caps=5,7,4,4");
        output.Should().Contain("groups=10,20,30,");
        output.Should().Contain("bpf=16").And.Contain("path=/bin/sh").And.Contain("id=c1");
        output.Should().Contain("argv=sh\nargv=-c\nargv=echo \"ü\"\nenv=PATH=/bin\nenv=HOME=/\n");
    }

    [Fact]
    public void Every_truncation_is_refused()
    {
        var plan = Sample().Encode();
        foreach (int cut in new[] { 1, 3, 8, 20, plan.Length / 2, plan.Length - 1 })
        {
            var truncated = plan[..cut];
            if (cut >= 8)
                BinaryPrimitives.WriteUInt32LittleEndian(truncated.AsSpan(4), (uint)cut); // a consistent header, short body
            Decode(truncated).Should().Contain("rc=-22", "a plan cut at {0} bytes", cut);
        }
    }

    [Fact]
    public void Trailing_bytes_a_wrong_length_or_magic_and_a_string_without_its_NUL_are_refused()
    {
        var plan = Sample().Encode();
        var longer = plan.Concat(new byte[8]).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(longer.AsSpan(4), (uint)longer.Length);
        Decode(longer).Should().Contain("rc=-22");

        var wrongLength = plan.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(wrongLength.AsSpan(4), (uint)plan.Length + 1);
        Decode(wrongLength).Should().Contain("rc=-22");

        var wrongMagic = plan.ToArray();
        wrongMagic[0] ^= 0xFF;
        Decode(wrongMagic).Should().Contain("rc=-22");

        var noNul = plan.ToArray();
        noNul[^1] = (byte)'x'; // the last env string's NUL
        Decode(noNul).Should().Contain("rc=-22");

        var huge = plan.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(76), uint.MaxValue); // n_groups: after 11 u32s and 4 u64s
        Decode(huge).Should().Contain("rc=-7"); // E2BIG
    }

    [Fact]
    public void An_oversized_plan_is_refused_by_both_sides()
    {
        var act = () => Sample(env: [new string('x', FinalPhasePlan.MaxBytes)]).Encode();
        act.Should().Throw<ContainerSetupException>().Which.Field.Should().Be("process");

        var oversized = new byte[FinalPhasePlan.MaxBytes + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(oversized, FinalPhasePlan.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(oversized.AsSpan(4), (uint)oversized.Length);
        Decode(oversized).Should().Contain("rc=-7");
    }

    private const uint NewListener = 8; // SECCOMP_FILTER_FLAG_NEW_LISTENER

    [Fact]
    public void An_early_listener_for_create_decodes_with_its_flags()
    {
        var plan = Sample() with { SeccompFlags = NewListener, EarlyListener = true, Ready = true, ReportFd = 3 };

        Decode(plan.Encode()).Should().Contain("rc=0").And.Contain("flags=59 uid=1000 gid=1001 fifo=7 report=3 dir=-1 keep=5 personality=8 seccomp=8"); // 11 | 0x10 | 0x20

        var exec = Sample() with { SeccompFlags = NewListener, EarlyListener = true, ReportFd = 3, FifoFd = -1 };
        Decode(exec.Encode()).Should().Contain("rc=0").And.Contain("flags=27 ");

        var hooks = plan with { FifoPipe = true };
        Decode(hooks.Encode()).Should().Contain("rc=0").And.Contain("flags=123 "); // 59 | 0x40
    }

    [Fact]
    public void An_early_listener_that_cannot_run_is_refused()
    {
        var early = Sample() with { SeccompFlags = NewListener, EarlyListener = true, Ready = true, ReportFd = 3 };
        var cases = new Dictionary<string, FinalPhasePlan>
        {
            ["a listener flag without the early load (its fd could travel nowhere)"] = Sample() with { SeccompFlags = NewListener },
            ["an early load without the listener flag"] = early with { SeccompFlags = 0 },
            ["an early load without a parent listening"] = early with { ReportFd = -1 },
            ["an early load without a filter"] = early with { Bpf = [] },
            ["READY without the early load"] = Sample() with { Ready = true, ReportFd = 3 },
            ["READY without a fifo to wait on"] = early with { FifoFd = -1 },
            ["READY with a fifo the startContainer hooks opened"] = early with { FifoOpen = true },
            ["TSYNC"] = early with { SeccompFlags = NewListener | 1 },
            ["the hooks thread's pipe without READY"] = early with { Ready = false, FifoPipe = true },
        };
        foreach (var (what, plan) in cases)
            Decode(plan.Encode()).Should().Contain("rc=-22", what);
    }

    [Fact]
    public void A_NUL_inside_an_argument_is_refused_naming_it()
    {
        var act = () => (Sample() with { Argv = ["sh", "a\0b"] }).Encode();

        act.Should().Throw<ContainerSetupException>().Which.Field.Should().Be("process.args[1]");
    }

    private static string Decode(byte[] plan) => s_driver.Decode(plan);
}
